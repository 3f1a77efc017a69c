#include "http/file_send.h"

#include <unistd.h>

#include "net/event_loop.h"

namespace pushwire::http {

namespace {
constexpr size_t kPieceBytes = 64 * 1024;
constexpr int64_t kDrainPollMs = 5;
}  // namespace

// A read in flight outlives its FileSend when the client leaves first: it
// then only frees itself.
struct FileSend::Read {
  uv_fs_t req;
  FileSend* owner;
  std::shared_ptr<const int> fd;
  std::string buffer;

  static void on_done(uv_fs_t* req) {
    auto* read = static_cast<Read*>(req->data);
    const ssize_t result = req->result;
    uv_fs_req_cleanup(req);
    std::unique_ptr<Read> done(read);
    if (read->owner) {
      read->owner->in_flight_ = nullptr;
      read->owner->on_piece(result, std::move(read->buffer));
    }
  }
};

FileSend::FileSend(Exchange& exchange, int fd, uint64_t size, Answer answer)
    : exchange_(exchange),
      answer_(std::move(answer)),
      fd_(new int(fd), [](const int* fd) {
        ::close(*fd);
        delete fd;
      }),
      size_(size),
      wait_for_drain_(exchange.connection().loop()) {}

FileSend::~FileSend() {
  if (in_flight_) in_flight_->owner = nullptr;
}

void FileSend::start(Exchange& exchange, int fd, uint64_t size) {
  auto owned = std::unique_ptr<FileSend>(new FileSend(exchange, fd, size, nullptr));
  FileSend* self = owned.get();
  exchange.hold(std::move(owned));
  if (exchange.request().method == "HEAD") {
    exchange.end();
    return;
  }
  self->read_next();
}

void FileSend::read_whole(Exchange& exchange, int fd, uint64_t size, Answer answer) {
  auto owned = std::unique_ptr<FileSend>(new FileSend(exchange, fd, size, std::move(answer)));
  FileSend* self = owned.get();
  self->whole_.reserve(size);
  exchange.hold(std::move(owned));
  self->read_next();
}

void FileSend::read_next() {
  if (exchange_.finished()) return;
  if (offset_ == size_) {
    if (!answer_) {
      exchange_.end();
      return;
    }
    // Answering may end the exchange, and this with it: the answer runs from the stack.
    const Answer answer = std::move(answer_);
    answer(exchange_, std::move(whole_));
    return;
  }
  if (exchange_.pending_bytes() > kPieceBytes) {
    wait_for_drain_.start(kDrainPollMs, [this] { read_next(); });
    return;
  }
  auto read = std::make_unique<Read>();
  read->owner = this;
  read->fd = fd_;
  read->buffer.resize(std::min<uint64_t>(kPieceBytes, size_ - offset_));
  read->req.data = read.get();
  uv_buf_t buf = uv_buf_init(read->buffer.data(), static_cast<unsigned>(read->buffer.size()));
  if (uv_fs_read(exchange_.connection().loop().uv(), &read->req, *fd_, &buf, 1, static_cast<int64_t>(offset_),
                 Read::on_done) != 0) {
    exchange_.abort();
    return;
  }
  in_flight_ = read.release();
}

void FileSend::on_piece(ssize_t result, std::string piece) {
  if (exchange_.finished()) return;
  // The file shrank or could not be read: the length promised cannot be kept.
  if (result <= 0) {
    exchange_.abort();
    return;
  }
  piece.resize(static_cast<size_t>(result));
  offset_ += static_cast<uint64_t>(result);
  if (answer_) whole_ += piece;
  else exchange_.send(net::OutChunk::take(std::move(piece)));
  read_next();
}

void FileSend::on_shutdown() { exchange_.abort(); }

}  // namespace pushwire::http
