// How search splits text into words: runs of ASCII letters and digits and of any non-ASCII
// bytes (so that UTF-8 letters stay inside words), as the index's tokenizer does.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace promptctl::search_detail {

bool is_word_byte(char c);
std::vector<std::string> words_of(std::string_view text);

}  // namespace promptctl::search_detail
