#include "prompt/summary_cache.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <stdexcept>

#include "promptctl/workspace.hpp"
#include "util/fs.hpp"

namespace promptctl::prompt_detail {

namespace {

// One line per prompt, fields separated by tabs; lists are joined by \x1f. Backslash, tab,
// newline and \x1f inside a field are escaped. A line format keeps loading 10,000 entries to a
// few milliseconds, where building a JSON document took most of `ls`.
constexpr std::string_view k_header = "promptctl-summaries 1";
constexpr char k_list_separator = '\x1f';
void append_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case k_list_separator:
        out += "\\s";
        break;
      default:
        out += c;
    }
  }
}

std::string unescape(std::string_view text) {
  if (text.find('\\') == std::string_view::npos) {
    return std::string(text);  // nearly every field: nothing escaped
  }
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    char next = text[++i];
    out += next == 't' ? '\t' : next == 'n' ? '\n' : next == 's' ? k_list_separator : next;
  }
  return out;
}

void append_list(std::string& out, const std::vector<std::string>& items) {
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) {
      out += k_list_separator;
    }
    append_escaped(out, items[i]);
  }
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> items;
  if (text.empty()) {
    return items;
  }
  items.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), k_list_separator)) +
                1);
  for (;;) {
    std::size_t end = text.find(k_list_separator);
    items.push_back(unescape(text.substr(0, end)));
    if (end == std::string_view::npos) {
      return items;
    }
    text.remove_prefix(end + 1);
  }
}

// How many lines `text` holds, found with memchr: std::count looks at one byte at a time, and
// the file is a megabyte or more at 10,000 prompts.
std::size_t count_lines(std::string_view text) {
  std::size_t lines = 0;
  const char* end = text.data() + text.size();
  for (const char* at = text.data();
       (at = static_cast<const char*>(std::memchr(at, '\n', static_cast<std::size_t>(end - at))));
       ++at) {
    ++lines;
  }
  return lines;
}

template <class Number>
Number to_number(std::string_view text) {
  Number value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw std::invalid_argument("bad number in the summary cache");
  }
  return value;
}

}  // namespace

SummaryCache::SummaryCache(std::filesystem::path file) : m_file(std::move(file)) {
  try {
    auto text = util::read_file_if_exists(m_file);
    if (text) {
      m_text = std::make_unique<const std::string>(std::move(*text));
      read(*m_text);
    }
  } catch (const std::exception&) {
    m_entries.clear();  // a damaged cache is rebuilt, never trusted
    m_owned_names.clear();
    m_dirty = true;
  }
}

void SummaryCache::read(std::string_view rest) {
  auto next_piece = [](std::string_view& from, char separator) {
    std::size_t end = from.find(separator);
    std::string_view piece = from.substr(0, end);
    from = end == std::string_view::npos ? std::string_view() : from.substr(end + 1);
    return piece;
  };
  if (next_piece(rest, '\n') != k_header) {
    m_dirty = true;
    return;
  }
  m_entries.reserve(count_lines(rest));
  while (!rest.empty()) {
    std::string_view line = next_piece(rest, '\n');
    if (line.empty()) {
      continue;
    }
    std::array<std::string_view, 11> f;
    for (std::string_view& field : f) {
      if (line.data() == nullptr) {
        throw std::invalid_argument("bad line in the summary cache");
      }
      field = next_piece(line, '\t');
    }
    if (line.data() != nullptr) {
      throw std::invalid_argument("bad line in the summary cache");
    }
    std::string_view name = f[0];
    if (name.find('\\') != std::string_view::npos) {
      name = m_owned_names.emplace_back(unescape(name));
    }
    // Written in order, each name once: anything else is damage.
    if (!m_entries.empty() && !(m_entries.back().name < name)) {
      throw std::invalid_argument("summary cache out of order");
    }
    PromptSummary s;
    s.name = name;
    s.path = Workspace::display_path(name);
    s.description = unescape(f[5]);
    s.tags = split_list(f[6]);
    s.category = unescape(f[7]);
    s.owner = unescape(f[8]);
    s.variables = split_list(f[9]);
    s.error = unescape(f[10]);
    FileStamp stamp{to_number<std::uintmax_t>(f[1]), to_number<std::uint64_t>(f[2]),
                    to_number<std::int64_t>(f[3]), to_number<std::int64_t>(f[4])};
    m_entries.push_back({name, {stamp, std::move(s)}});
  }
}

std::size_t SummaryCache::read_index(std::string_view name) const {
  auto it =
      std::lower_bound(m_entries.begin(), m_entries.end(), name,
                       [](const ReadEntry& entry, std::string_view n) { return entry.name < n; });
  return it != m_entries.end() && it->name == name
             ? static_cast<std::size_t>(it - m_entries.begin())
             : m_entries.size();
}

const SummaryCache::Entry* SummaryCache::locate(std::string_view name) const {
  if (std::size_t i = read_index(name); i < m_entries.size()) {
    return &m_entries[i].entry;
  }
  auto added = m_added.find(name);
  return added == m_added.end() ? nullptr : &added->second;
}

SummaryCache::Entry* SummaryCache::locate(std::string_view name) {
  // A listing asks for names in order: the entry after the last one found is nearly always the
  // next one asked for, and a search costs a dozen comparisons of names.
  bool next = m_next_read < m_entries.size() && m_entries[m_next_read].name == name;
  if (std::size_t i = next ? m_next_read : read_index(name); i < m_entries.size()) {
    m_next_read = i + 1;
    return &m_entries[i].entry;
  }
  auto added = m_added.find(name);
  return added == m_added.end() ? nullptr : &added->second;
}

std::optional<PromptSummary> SummaryCache::find(std::string_view name,
                                                const FileStamp& stamp) const {
  const Entry* entry = locate(name);
  if (entry == nullptr || entry->state != Entry::State::held || !(entry->stamp == stamp)) {
    return std::nullopt;
  }
  return entry->summary;
}

std::optional<PromptSummary> SummaryCache::take(std::string_view name, const FileStamp& stamp) {
  Entry* entry = locate(name);
  if (entry == nullptr || entry->state != Entry::State::held || !(entry->stamp == stamp)) {
    return std::nullopt;
  }
  entry->state = Entry::State::taken;
  return std::move(entry->summary);
}

bool SummaryCache::store(std::string_view name, const FileStamp& stamp,
                         const PromptSummary& summary) {
  if (!stamp.trusted()) {
    if (std::size_t i = read_index(name);
        i < m_entries.size() && m_entries[i].entry.state != Entry::State::dropped) {
      Entry& read = m_entries[i].entry;
      read = {};
      read.state = Entry::State::dropped;
      ++m_dropped;
      m_dirty = true;
    }
    if (auto added = m_added.find(name); added != m_added.end()) {
      m_added.erase(added);
      m_dirty = true;
    }
    return false;
  }
  if (Entry* entry = locate(name)) {
    if (entry->state == Entry::State::dropped) {
      --m_dropped;
    }
    *entry = {stamp, summary};
  } else {
    m_added.emplace(std::string(name), Entry{stamp, summary});
  }
  m_dirty = true;
  return true;
}

void SummaryCache::keep_only(const std::vector<std::string>& names) {
  auto unlisted = [&](std::string_view name) {
    return !std::binary_search(names.begin(), names.end(), name, std::less<>());
  };
  std::size_t erased =
      std::erase_if(m_entries, [&](const ReadEntry& e) { return unlisted(e.name); }) +
      std::erase_if(m_added, [&](const auto& added) { return unlisted(added.first); });
  m_dirty = m_dirty || erased > 0;
  m_dropped = static_cast<std::size_t>(
      std::count_if(m_entries.begin(), m_entries.end(),
                    [](const ReadEntry& e) { return e.entry.state == Entry::State::dropped; }));
}

void SummaryCache::save() const {
  if (!m_dirty) {
    return;
  }
  std::string text(k_header);
  text += '\n';
  // Both stores in name order, merged: the file is written sorted, as reading expects.
  std::vector<std::pair<std::string_view, const Entry*>> sorted;
  sorted.reserve(size());
  auto added = m_added.begin();
  for (const ReadEntry& read : m_entries) {
    for (; added != m_added.end() && added->first < read.name; ++added) {
      sorted.emplace_back(added->first, &added->second);
    }
    sorted.emplace_back(read.name, &read.entry);
  }
  for (; added != m_added.end(); ++added) {
    sorted.emplace_back(added->first, &added->second);
  }
  for (const auto& [name, stored] : sorted) {
    const Entry& entry = *stored;
    if (entry.state != Entry::State::held) {
      continue;  // dropped, or taken and not stored again
    }
    const PromptSummary& s = entry.summary;
    append_escaped(text, name);
    // Each number as its own type: an inode number above 2^63, cast to a signed one, was
    // written negative and made the whole file unreadable.
    for (const std::string& number :
         {std::to_string(entry.stamp.size), std::to_string(entry.stamp.inode),
          std::to_string(entry.stamp.mtime_ns), std::to_string(entry.stamp.ctime_ns)}) {
      text += '\t';
      text += number;
    }
    auto escaped = [](std::string_view field) {
      std::string out;
      append_escaped(out, field);
      return out;
    };
    auto list = [](const std::vector<std::string>& items) {
      std::string out;
      append_list(out, items);
      return out;
    };
    for (const std::string& field : {escaped(s.description), list(s.tags), escaped(s.category),
                                     escaped(s.owner), list(s.variables), escaped(s.error)}) {
      text += '\t';
      text += field;
    }
    text += '\n';
  }
  try {
    // Descriptions and tags of uncommitted prompts: the owner's alone, as the other caches are.
    util::write_file_atomic(m_file, text, 0600, util::Durability::cache);
  } catch (const Error&) {
    // A read-only repository still lists its prompts; it only stays slow.
  }
}

}  // namespace promptctl::prompt_detail
