#pragma once
#include <sys/socket.h>
#include <uv.h>

#include <cerrno>
#include <cstddef>

namespace pushwire::net {

// Writes what a non-blocking socket takes now: bytes written, 0 if none, -1
// on an error. The socket calls rather than uv_try_write's writev skip the VFS
// layer (a few percent of a fan-out's CPU); one buffer goes through send,
// which also skips sendmsg's copying in of a message header and an iovec array.
inline ssize_t send_now(uv_os_fd_t fd, const uv_buf_t* bufs, size_t count) {
  constexpr int kFlags = MSG_DONTWAIT | MSG_NOSIGNAL;
  ssize_t sent;
  if (count == 1) {
    sent = ::send(fd, bufs[0].base, bufs[0].len, kFlags);
  } else {
    msghdr header{};
    header.msg_iov = reinterpret_cast<iovec*>(const_cast<uv_buf_t*>(bufs));
    header.msg_iovlen = count;
    sent = ::sendmsg(fd, &header, kFlags);
  }
  if (sent >= 0) return sent;
  return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
}

// A send's result as send_now reports it, from a negative errno or a count.
inline ssize_t send_result(int res) {
  if (res >= 0) return res;
  return res == -EAGAIN || res == -EWOULDBLOCK || res == -EINTR ? 0 : -1;
}

}  // namespace pushwire::net
