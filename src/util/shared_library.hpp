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

  /// `symbol` cast to the type of the function it is declared as, so calls stay type-checked.
  template <class Function>
  void resolve(Function*& target, const char* name) const {
    target = reinterpret_cast<Function*>(symbol(name));
  }

 private:
  std::string m_soname;
  void* m_handle = nullptr;
};

}  // namespace promptctl::util
