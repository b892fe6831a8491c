#include "spine/Error.h"

namespace spine {

std::string SpineError::oneLine() const {
  std::string line = m_file.empty() ? std::string(what()) : m_file + ": " + what();
  for (char& c : line)
    if (c == '\n' || c == '\r') c = ' ';
  return line + " [" + m_stage + "]";
}

}  // namespace spine
