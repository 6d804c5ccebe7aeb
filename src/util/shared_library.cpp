#include "util/shared_library.hpp"

#include <dlfcn.h>

#include "promptctl/error.hpp"

namespace promptctl::util {

SharedLibrary::SharedLibrary(const std::string& soname) : m_soname(soname) {
  // RTLD_NODELETE keeps the code mapped after dlclose: exit handlers and leak checkers that run
  // after the handle is gone can still find the library's functions by name.
  m_handle = ::dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (!m_handle) {
    const char* reason = ::dlerror();
    throw Error(ErrorKind::io,
                "cannot load '" + soname + "': " + (reason ? reason : "unknown error"));
  }
}

SharedLibrary::~SharedLibrary() {
  if (m_handle) {
    ::dlclose(m_handle);
  }
}

void* SharedLibrary::find(const char* name) const {
  return ::dlsym(m_handle, name);
}

void* SharedLibrary::symbol(const char* name) const {
  ::dlerror();
  void* address = find(name);
  if (!address) {
    throw Error(ErrorKind::io, "'" + m_soname + "' has no symbol '" + name + "'");
  }
  return address;
}

}  // namespace promptctl::util
