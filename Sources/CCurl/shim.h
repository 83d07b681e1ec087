#ifndef CHORUS_CCURL_SHIM_H
#define CHORUS_CCURL_SHIM_H
#include <curl/curl.h>

/* curl_easy_setopt and curl_easy_getinfo are variadic: one typed wrapper each for Swift. */
static inline CURLcode chorus_curl_set_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode chorus_curl_set_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode chorus_curl_set_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode chorus_curl_set_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
typedef size_t (*chorus_curl_write)(char *data, size_t size, size_t count, void *user);
static inline CURLcode chorus_curl_set_write(CURL *h, chorus_curl_write f, void *user) {
    CURLcode c = curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, f);
    return c != CURLE_OK ? c : curl_easy_setopt(h, CURLOPT_WRITEDATA, user);
}
static inline CURLcode chorus_curl_get_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode chorus_curl_get_off(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }
#endif
