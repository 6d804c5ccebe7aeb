#include "prompt/compiled_pack.hpp"

#include <charconv>
#include <exception>

#include "prompt/compiled_form.hpp"
#include "util/fs.hpp"

namespace promptctl::prompt_detail {
namespace {

// Raised whenever the layout changes. Each entry is "KEY SIZE\n" and SIZE bytes of its
// compiled form.
constexpr std::string_view k_header = "promptctl-compiled-pack 1\n";
// A pack of 10,000 prompts is some 8 MB; one far larger is not read.
constexpr std::uintmax_t k_max_pack_size = std::uintmax_t{1} << 30;

void append_entry(std::string& out, std::string_view key, std::string_view form) {
  out += key;
  out += ' ';
  out += std::to_string(form.size());
  out += '\n';
  out += form;
}

}  // namespace

CompiledPack::CompiledPack(std::filesystem::path file) : m_file(std::move(file)) {
  try {
    m_bytes = util::read_file_if_exists(m_file, k_max_pack_size).value_or("");
  } catch (const std::exception&) {
    return;  // unreadable: parsed as if there were none
  }
  std::string_view rest(m_bytes);
  if (!rest.starts_with(k_header)) {
    return;
  }
  rest.remove_prefix(k_header.size());
  while (!rest.empty()) {
    std::size_t space = rest.find(' ');
    std::size_t end_of_line = rest.find('\n');
    std::size_t size = 0;
    bool sized = space < end_of_line && end_of_line != std::string_view::npos;
    if (sized) {
      const char* end = rest.data() + end_of_line;
      auto [read_to, problem] = std::from_chars(rest.data() + space + 1, end, size);
      sized = problem == std::errc() && read_to == end && size <= rest.size() - end_of_line - 1;
    }
    if (!sized) {
      m_entries.clear();  // damaged: none of it is trusted
      return;
    }
    m_entries.emplace(rest.substr(0, space), rest.substr(end_of_line + 1, size));
    rest.remove_prefix(end_of_line + 1 + size);
  }
}

std::optional<Prompt> CompiledPack::find(std::string_view /*name*/, const std::string& key) const {
  std::shared_lock reading(m_reading);
  auto found = m_entries.find(key);
  if (found == m_entries.end()) {
    return std::nullopt;
  }
  std::optional<Prompt> prompt;
  try {
    prompt = decode_compiled(found->second);
  } catch (const std::exception&) {
    return std::nullopt;  // damaged: the prompt is parsed
  }
  std::lock_guard changing(m_changing);
  m_used.insert(found->first);
  return prompt;
}

void CompiledPack::store(std::string_view /*name*/, const std::string& key,
                         const Prompt& prompt) const {
  std::shared_lock reading(m_reading);
  if (m_finished) {
    return;
  }
  std::string form = encode_compiled(prompt);
  std::lock_guard changing(m_changing);
  m_added.insert_or_assign(key, std::move(form));
}

void CompiledPack::finish(bool save) {
  std::unique_lock reading(m_reading);
  if (save && (!m_added.empty() || m_used.size() != m_entries.size())) {
    std::string text(k_header);
    for (std::string_view key : m_used) {
      append_entry(text, key, m_entries.at(key));
    }
    for (const auto& [key, form] : m_added) {
      append_entry(text, key, form);
    }
    try {
      util::write_file_atomic(m_file, text, 0600, util::Durability::cache);
    } catch (const std::exception&) {
      // A read-only repository is still served; it only parses its prompts at each start.
    }
  }
  m_finished = true;
  m_entries.clear();
  m_used.clear();
  m_added.clear();
  m_bytes = std::string();
}

}  // namespace promptctl::prompt_detail
