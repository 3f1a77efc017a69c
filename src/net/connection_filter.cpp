// The parts of Connection that only a filtered (TLS) connection uses.
#include "net/connection.h"
#include "net/event_loop.h"
#include "util/log.h"

namespace pushwire::net {

void Connection::set_filter(std::unique_ptr<StreamFilter> filter) {
  filtered_ = std::make_unique<Filtered>();
  filtered_->filter = std::move(filter);
}

void Connection::receive_filtered(std::string_view bytes) {
  std::string inner;
  std::string reply;
  const bool ok = filtered_->filter->receive(bytes, inner, reply);
  send_wire(std::move(reply));
  if (!ok) {
    PW_LOG(debug, peer(), " TLS failed or ended, closing");
    close();
    return;
  }
  if (!inner.empty() && state_ == State::open && handler_) handler_->on_read(inner);
}

void Connection::send_wire(std::string bytes) {
  if (state_ != State::open || bytes.empty()) return;
  pending_bytes_ += static_cast<uint32_t>(bytes.size());
  queued_.push_back(OutChunk::take(std::move(bytes)));
  if (!flush_scheduled_) {
    flush_scheduled_ = true;
    loop().schedule_flush(this);
  }
}

void Connection::seal() {
  if (!filtered_ || filtered_->unsealed.empty() || !filtered_->filter->established()) return;
  size_t inner_bytes = 0;
  for (const OutChunk& chunk : filtered_->unsealed) inner_bytes += chunk.size;
  std::string wire;
  const bool ok = filtered_->filter->seal(filtered_->unsealed, wire);
  filtered_->unsealed.clear();
  pending_bytes_ -= static_cast<uint32_t>(inner_bytes);
  if (!ok) {
    abort();
    return;
  }
  pending_bytes_ += static_cast<uint32_t>(wire.size());
  queued_.push_back(OutChunk::take(std::move(wire)));
}

void Connection::finish_filter() {
  seal();
  std::string notice;
  filtered_->filter->finish(notice);
  send_wire(std::move(notice));
}

}  // namespace pushwire::net
