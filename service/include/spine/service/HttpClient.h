#pragma once
// A small HTTP client (libcurl) for a study store's REST API on the local network: GET, POST,
// download to a file, optional basic authentication, time limits on every call.
#include <string>

namespace spine::service {

struct HttpResponse {
  long status = 0;   ///< HTTP status; 0 when no answer came
  std::string body;  ///< the answer, or the transport error when status is 0
};

class HttpClient {
public:
  /// `baseUrl` like "http://127.0.0.1:8042"; `user`/`password` empty for none.
  HttpClient(std::string baseUrl, std::string user = "", std::string password = "", long timeoutSeconds = 120);

  HttpResponse get(const std::string& path) const;
  HttpResponse post(const std::string& path, const std::string& body, const std::string& contentType) const;
  /// Streams the answer into `file` (the body is left empty). Status 0 when the file cannot be written.
  HttpResponse download(const std::string& path, const std::string& file) const;

  const std::string& baseUrl() const { return m_base; }

private:
  std::string m_base, m_user, m_password;
  long m_timeout;
};

}  // namespace spine::service
