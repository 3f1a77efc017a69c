#include "procstat.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace {

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

long count_sockets(const std::string& fd_dir) {
  DIR* dir = opendir(fd_dir.c_str());
  if (!dir) return 0;
  long sockets = 0;
  char target[64];
  while (dirent* entry = readdir(dir)) {
    const std::string path = fd_dir + "/" + entry->d_name;
    const ssize_t n = readlink(path.c_str(), target, sizeof target - 1);
    if (n > 7 && std::string(target, 7) == "socket:") sockets++;
  }
  closedir(dir);
  return sockets;
}

}  // namespace

bool sample_processes(const std::vector<int>& pids, ProcSample& out, std::string& error) {
  out = {};
  static const double ticks = double(sysconf(_SC_CLK_TCK));
  for (int pid : pids) {
    std::string base = "/proc/" + std::to_string(pid);
    std::string stat, status;
    if (!read_file(base + "/stat", stat) || !read_file(base + "/status", status)) {
      error = "cannot read " + base + " (is process " + std::to_string(pid) + " running?)";
      return false;
    }
    // Fields after the command name, which is in parentheses and may hold spaces.
    size_t close = stat.rfind(')');
    if (close == std::string::npos) {
      error = "unexpected format of " + base + "/stat";
      return false;
    }
    std::istringstream fields(stat.substr(close + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> field; i++) {  // field numbers as in proc(5)
      if (i == 14) utime = std::strtoull(field.c_str(), nullptr, 10);
      if (i == 15) stime = std::strtoull(field.c_str(), nullptr, 10);
    }
    out.cpu_seconds_each.push_back(double(utime + stime) / ticks);
    out.cpu_seconds += out.cpu_seconds_each.back();
    size_t at = status.find("VmRSS:");
    if (at != std::string::npos) out.rss_kb += std::strtol(status.c_str() + at + 6, nullptr, 10);
    out.sockets += count_sockets(base + "/fd");
  }
  return true;
}

double self_cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto secs = [](const timeval& tv) { return double(tv.tv_sec) + double(tv.tv_usec) / 1e6; };
  return secs(ru.ru_utime) + secs(ru.ru_stime);
}
