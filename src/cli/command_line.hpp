// The command line as a function, so that it can run more than once in one process.
#pragma once

namespace promptctl::cli {

/// Parses `argv`, runs the command it names with a fresh set of options, and returns the exit
/// code. Prints the command's output and errors on stdout and stderr.
int run_main(int argc, char** argv);

}  // namespace promptctl::cli
