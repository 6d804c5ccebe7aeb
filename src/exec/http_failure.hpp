// How an HTTP exchange with a provider failed: whether to try again, when, and how to say so.
#pragma once

#include <optional>
#include <string>

#include "http/client.hpp"

namespace promptctl::exec_detail {

/// The wait a provider asks for before the next attempt: "Retry-After" in seconds or as an
/// HTTP date, or OpenAI's "retry-after-ms".
std::optional<long> retry_after_ms(const http::Response& response);

/// Statuses worth another attempt: timeouts, conflicts, rate limits and server errors.
bool retryable_status(long status);

/// A transport failure described with the host it concerns (never the full URL's query).
std::string transport_message(const http::Response& response, const http::Request& request);

}  // namespace promptctl::exec_detail
