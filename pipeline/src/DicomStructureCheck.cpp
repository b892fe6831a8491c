#include "spine/DicomStructureCheck.h"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include <dcmtk/dcmdata/dctag.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace spine {
namespace {

constexpr std::uint32_t kUndefinedLength = 0xFFFFFFFFu;

/// A read-only memory map of a whole file; empty when the file cannot be mapped.
class MappedFile {
public:
  explicit MappedFile(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && st.st_size > 0) {
      void* p = ::mmap(nullptr, size_t(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
      if (p != MAP_FAILED) {
        m_data = static_cast<const std::uint8_t*>(p);
        m_size = size_t(st.st_size);
      }
    }
    m_opened = true;
    ::close(fd);
  }
  ~MappedFile() {
    if (m_data) ::munmap(const_cast<std::uint8_t*>(m_data), m_size);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  bool opened() const { return m_opened; }
  const std::uint8_t* data() const { return m_data; }
  size_t size() const { return m_size; }

private:
  const std::uint8_t* m_data = nullptr;
  size_t m_size = 0;
  bool m_opened = false;
};

bool isLongVr(const char* vr) {
  static const char* const kLong[] = {"OB", "OD", "OF", "OL", "OV", "OW", "SQ",
                                      "SV", "UC", "UN", "UR", "UT", "UV"};
  for (const char* l : kLong)
    if (vr[0] == l[0] && vr[1] == l[1]) return true;
  return false;
}

bool looksLikeVr(const std::uint8_t* p) {
  return p[0] >= 'A' && p[0] <= 'Z' && p[1] >= 'A' && p[1] <= 'Z';
}

enum class ContainerKind { Sequence, Item, PixelFragments };

struct Container {
  ContainerKind kind;
  size_t end;     ///< SIZE_MAX for undefined length
  bool implicit;  ///< elements inside use Implicit VR (UN sequences switch to it)
};

std::string hexTag(std::uint16_t g, std::uint16_t e) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "(%04X,%04X)", g, e);
  return buf;
}

/// Walks a data set from `pos` to the end of the mapping; returns the problem or "".
class StructureWalker {
public:
  StructureWalker(const std::uint8_t* data, size_t size, bool bigEndian, bool implicit,
                  unsigned maxDepth)
      : m_d(data), m_size(size), m_big(bigEndian), m_implicit(implicit), m_maxDepth(maxDepth) {}

  std::string walk(size_t pos) {
    m_pos = pos;
    while (true) {
      std::string closeProblem = closeFinishedContainers();
      if (!closeProblem.empty()) return closeProblem;
      if (m_pos == m_size) break;
      if (m_pos + 8 > m_size) return "truncated element header at byte " + std::to_string(m_pos);
      std::string problem = step();
      if (!problem.empty()) return problem;
    }
    for (const Container& c : m_stack)
      if (c.end == SIZE_MAX) return "file ends inside an undefined-length sequence (truncated)";
    return {};
  }

private:
  std::uint16_t u16(size_t at) const {
    return m_big ? std::uint16_t(m_d[at] << 8 | m_d[at + 1]) : std::uint16_t(m_d[at] | m_d[at + 1] << 8);
  }
  std::uint32_t u32(size_t at) const {
    return m_big ? (std::uint32_t(u16(at)) << 16 | u16(at + 2)) : (u16(at) | std::uint32_t(u16(at + 2)) << 16);
  }
  bool implicitHere() const { return m_stack.empty() ? m_implicit : m_stack.back().implicit; }
  unsigned depth() const {
    unsigned d = 0;
    for (const Container& c : m_stack) d += c.kind == ContainerKind::Sequence;
    return d;
  }

  std::string closeFinishedContainers() {
    while (!m_stack.empty() && m_stack.back().end != SIZE_MAX && m_pos >= m_stack.back().end) {
      if (m_pos > m_stack.back().end) return "an element overruns its enclosing sequence or item";
      m_stack.pop_back();
    }
    return {};
  }

  std::string push(ContainerKind kind, std::uint32_t len, bool implicit) {
    if (len != kUndefinedLength && m_pos + len > m_size) return "a sequence or item declares more bytes than the file holds";
    m_stack.push_back({kind, len == kUndefinedLength ? SIZE_MAX : m_pos + len, implicit});
    if (depth() > m_maxDepth)
      return "sequences nested deeper than " + std::to_string(m_maxDepth) + " levels (hostile or corrupt file)";
    return {};
  }

  std::string stepDelimiter(std::uint16_t elem, std::uint32_t len) {
    m_pos += 8;
    bool inFragments = !m_stack.empty() && m_stack.back().kind == ContainerKind::PixelFragments;
    if (elem == 0xE000) {  // Item
      if (inFragments) {
        if (len == kUndefinedLength || m_pos + len > m_size) return "a pixel data fragment runs beyond the end of the file";
        m_pos += len;
        return {};
      }
      if (m_stack.empty() || m_stack.back().kind != ContainerKind::Sequence) return "an item outside any sequence";
      return push(ContainerKind::Item, len, implicitHere());
    }
    if (elem == 0xE00D || elem == 0xE0DD) {  // Item / Sequence Delimitation
      ContainerKind want = elem == 0xE00D ? ContainerKind::Item : ContainerKind::Sequence;
      if (elem == 0xE0DD && inFragments) want = ContainerKind::PixelFragments;
      if (m_stack.empty() || m_stack.back().kind != want || m_stack.back().end != SIZE_MAX)
        return "a delimitation item that closes nothing";
      m_stack.pop_back();
      return {};
    }
    return "unknown item tag " + hexTag(0xFFFE, elem);
  }

  std::string step() {
    std::uint16_t group = u16(m_pos), elem = u16(m_pos + 2);
    if (group == 0xFFFE) return stepDelimiter(elem, u32(m_pos + 4));
    bool isSequence = false;
    std::uint32_t len = 0;
    if (implicitHere()) {
      len = u32(m_pos + 4);
      m_pos += 8;
      isSequence = DcmTag(group, elem).getEVR() == EVR_SQ || len == kUndefinedLength;
    } else {
      const char* vr = reinterpret_cast<const char*>(m_d + m_pos + 4);
      if (!looksLikeVr(m_d + m_pos + 4)) return "element " + hexTag(group, elem) + " has no valid VR";
      if (isLongVr(vr)) {
        if (m_pos + 12 > m_size) return "truncated element header at byte " + std::to_string(m_pos);
        len = u32(m_pos + 8);
        m_pos += 12;
      } else {
        len = u16(m_pos + 6);
        m_pos += 8;
      }
      isSequence = vr[0] == 'S' && vr[1] == 'Q';
      // UN with undefined length is a sequence whose contents are Implicit VR (PS3.5 6.2.2).
      if (vr[0] == 'U' && vr[1] == 'N' && len == kUndefinedLength) return push(ContainerKind::Sequence, len, true);
    }
    if (len == kUndefinedLength) {
      if (group == 0x7FE0 && elem == 0x0010) return push(ContainerKind::PixelFragments, len, implicitHere());
      if (!isSequence) return "element " + hexTag(group, elem) + " has undefined length but is not a sequence";
      return push(ContainerKind::Sequence, len, implicitHere());
    }
    if (m_pos + len > m_size)
      return "element " + hexTag(group, elem) + " declares " + std::to_string(len) + " bytes but only " +
             std::to_string(m_size - m_pos) + " remain in the file";
    if (isSequence) return push(ContainerKind::Sequence, len, implicitHere());
    m_pos += len;
    return {};
  }

  const std::uint8_t* m_d;
  size_t m_size;
  bool m_big, m_implicit;
  unsigned m_maxDepth;
  size_t m_pos = 0;
  std::vector<Container> m_stack;
};

/// Reads the File Meta Information (group 0002, always Explicit VR Little Endian); returns the
/// offset after it and the Transfer Syntax UID (0002,0010).
std::string readMetaGroup(const std::uint8_t* d, size_t size, size_t& pos, std::string& transferSyntax) {
  while (pos + 8 <= size && (d[pos] | d[pos + 1] << 8) == 0x0002) {
    std::uint16_t elem = std::uint16_t(d[pos + 2] | d[pos + 3] << 8);
    if (!looksLikeVr(d + pos + 4)) return "file meta element has no valid VR";
    std::uint32_t len = 0;
    if (isLongVr(reinterpret_cast<const char*>(d + pos + 4))) {
      if (pos + 12 > size) return "truncated file meta header";
      len = std::uint32_t(d[pos + 8] | d[pos + 9] << 8 | d[pos + 10] << 16 | std::uint32_t(d[pos + 11]) << 24);
      pos += 12;
    } else {
      len = std::uint32_t(d[pos + 6] | d[pos + 7] << 8);
      pos += 8;
    }
    if (len == kUndefinedLength || pos + len > size) return "file meta element declares a length beyond the file";
    if (elem == 0x0010) {
      transferSyntax.assign(reinterpret_cast<const char*>(d + pos), len);
      while (!transferSyntax.empty() && (transferSyntax.back() == '\0' || transferSyntax.back() == ' '))
        transferSyntax.pop_back();
    }
    pos += len;
  }
  return {};
}

}  // namespace

StructureCheck checkDicomStructure(const std::string& path, const StructureCheckParams& params) {
  MappedFile file(path);
  if (!file.opened()) return {StructureVerdict::NotDicom, "cannot be opened"};
  const std::uint8_t* d = file.data();
  size_t size = file.size();
  if (size < 8) return {StructureVerdict::NotDicom, "too short to be DICOM (" + std::to_string(size) + " bytes)"};

  size_t pos = 0;
  std::string transferSyntax;
  bool part10 = size >= 132 && std::memcmp(d + 128, "DICM", 4) == 0;
  if (part10) {
    pos = 132;
    std::string problem = readMetaGroup(d, size, pos, transferSyntax);
    if (!problem.empty()) return {StructureVerdict::Malformed, problem};
  } else {
    // No preamble: accept a raw data set only if it starts like one (an even group below 0x0030).
    std::uint16_t group = std::uint16_t(d[0] | d[1] << 8);
    if (group == 0 || group > 0x0028 || (group & 1)) return {StructureVerdict::NotDicom, "no DICM preamble and no DICOM data set start"};
    if (group == 0x0002) {
      std::string problem = readMetaGroup(d, size, pos, transferSyntax);
      if (!problem.empty()) return {StructureVerdict::Malformed, problem};
    }
  }

  bool bigEndian = transferSyntax == "1.2.840.10008.1.2.2";
  bool implicit = transferSyntax == "1.2.840.10008.1.2";
  if (transferSyntax.empty() && pos + 8 <= size) implicit = !looksLikeVr(d + pos + 4);
  // Deflated Explicit VR Little Endian: the data set is zlib-compressed and not walked here;
  // DCMTK inflates it inside the isolated reader.
  if (transferSyntax == "1.2.840.10008.1.2.1.99") return {};
  StructureWalker walker(d, size, bigEndian, implicit, params.maxSequenceDepth);
  std::string problem = walker.walk(pos);
  if (!problem.empty()) return {StructureVerdict::Malformed, problem};
  return {};
}

}  // namespace spine
