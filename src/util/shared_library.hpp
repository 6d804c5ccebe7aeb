// Loading a shared library at run time, for dependencies that are expensive to load at start-up
// and needed by few commands (libgit2 pulls in TLS, Kerberos and SSH libraries).
#pragma once

#include <string>

namespace promptctl::util {

/// Owns a dlopen() handle.
class SharedLibrary {
 public:
  /// Loads `soname`; throws `Error` (kind `kind_on_failure`) naming it when it cannot.
  explicit SharedLibrary(const std::string& soname);
  ~SharedLibrary();
  SharedLibrary(const SharedLibrary&) = delete;
  SharedLibrary& operator=(const SharedLibrary&) = delete;

  /// The address of `symbol`; throws `Error` when the library lacks it.
  [[nodiscard]] void* symbol(const char* name) const;
  /// The address of `symbol` in the library or in the libraries it depends on; null when
  /// none has it.
  [[nodiscard]] void* find(const char* name) const;

  /// `symbol` cast to the type of the function it is declared as, so calls stay type-checked.
  template <class Function>
  void resolve(Function*& target, const char* name) const {
    target = reinterpret_cast<Function*>(symbol(name));
  }

 private:
  std::string m_soname;
  void* m_handle = nullptr;
};

/// A library loaded once with every function of its table `Api` resolved: `start` runs after
/// (its global initialisation), `finish` when the owner goes (its global clean-up).
template <class Api>
class LoadedLibrary {
 public:
  using Resolve = void (*)(const SharedLibrary& library, Api& api);
  using Hook = void (*)(const Api& api);

  LoadedLibrary(const std::string& soname, Resolve resolve, Hook start = nullptr,
                Hook finish = nullptr)
      : m_library(soname), m_finish(finish) {
    resolve(m_library, m_api);
    if (start) {
      start(m_api);
    }
  }
  ~LoadedLibrary() {
    if (m_finish) {
      m_finish(m_api);
    }
  }
  LoadedLibrary(const LoadedLibrary&) = delete;
  LoadedLibrary& operator=(const LoadedLibrary&) = delete;

  [[nodiscard]] const Api& api() const { return m_api; }

 private:
  SharedLibrary m_library;
  Api m_api;
  Hook m_finish;
};

}  // namespace promptctl::util
