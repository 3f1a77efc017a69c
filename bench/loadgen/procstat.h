// CPU time and resident memory of processes (from /proc) and of the load
// generator itself (getrusage).
#pragma once

#include <string>
#include <vector>

struct ProcSample {
  double cpu_seconds = 0;  // utime + stime, summed over the processes
  std::vector<double> cpu_seconds_each;  // the same, per process, in the order given
  long rss_kb = 0;         // VmRSS, summed
  long sockets = 0;        // open socket descriptors (connections held, listeners), summed
};

// False, with `error` set, if a process cannot be read (gone, or no /proc).
bool sample_processes(const std::vector<int>& pids, ProcSample& out, std::string& error);

// This process's user + system CPU seconds.
double self_cpu_seconds();
