#include "spine/service/HttpClient.h"

#include <cstdio>
#include <memory>

#include <curl/curl.h>

namespace spine::service {
namespace {

size_t toString(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

size_t toFile(char* data, size_t size, size_t count, void* out) { return std::fwrite(data, size, count, static_cast<FILE*>(out)) * size; }

struct Call {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl{curl_easy_init(), curl_easy_cleanup};
  curl_slist* headers = nullptr;
  ~Call() { curl_slist_free_all(headers); }
};

HttpResponse perform(Call& c) {
  HttpResponse r;
  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(c.curl.get(), CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c.curl.get(), CURLOPT_HTTPHEADER, c.headers);
  if (curl_easy_perform(c.curl.get()) != CURLE_OK) {
    r.body = error;
    return r;
  }
  curl_easy_getinfo(c.curl.get(), CURLINFO_RESPONSE_CODE, &r.status);
  return r;
}

}  // namespace

HttpClient::HttpClient(std::string baseUrl, std::string user, std::string password, long timeoutSeconds)
    : m_base(std::move(baseUrl)), m_user(std::move(user)), m_password(std::move(password)), m_timeout(timeoutSeconds) {
  static const CURLcode init = curl_global_init(CURL_GLOBAL_DEFAULT);
  (void)init;
  while (!m_base.empty() && m_base.back() == '/') m_base.pop_back();
}

namespace {

void configure(Call& c, const std::string& url, const std::string& user, const std::string& password, long timeout) {
  CURL* h = c.curl.get();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  if (!user.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, user.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, password.c_str());
  }
}

}  // namespace

HttpResponse HttpClient::get(const std::string& path) const {
  Call c;
  std::string body;
  configure(c, m_base + path, m_user, m_password, m_timeout);
  curl_easy_setopt(c.curl.get(), CURLOPT_WRITEFUNCTION, toString);
  curl_easy_setopt(c.curl.get(), CURLOPT_WRITEDATA, &body);
  HttpResponse r = perform(c);
  if (r.status) r.body = std::move(body);
  return r;
}

HttpResponse HttpClient::post(const std::string& path, const std::string& data, const std::string& contentType) const {
  Call c;
  std::string body;
  configure(c, m_base + path, m_user, m_password, m_timeout);
  c.headers = curl_slist_append(c.headers, ("Content-Type: " + contentType).c_str());
  curl_easy_setopt(c.curl.get(), CURLOPT_POST, 1L);
  curl_easy_setopt(c.curl.get(), CURLOPT_POSTFIELDS, data.data());
  curl_easy_setopt(c.curl.get(), CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(data.size()));
  curl_easy_setopt(c.curl.get(), CURLOPT_WRITEFUNCTION, toString);
  curl_easy_setopt(c.curl.get(), CURLOPT_WRITEDATA, &body);
  HttpResponse r = perform(c);
  if (r.status) r.body = std::move(body);
  return r;
}

HttpResponse HttpClient::download(const std::string& path, const std::string& file) const {
  std::unique_ptr<FILE, decltype(&std::fclose)> out(std::fopen(file.c_str(), "wb"), std::fclose);
  if (!out) return {0, "cannot write " + file};
  Call c;
  configure(c, m_base + path, m_user, m_password, m_timeout);
  curl_easy_setopt(c.curl.get(), CURLOPT_WRITEFUNCTION, toFile);
  curl_easy_setopt(c.curl.get(), CURLOPT_WRITEDATA, out.get());
  return perform(c);
}

}  // namespace spine::service
