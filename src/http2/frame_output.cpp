#include "http2/frame_output.h"

#include <algorithm>

namespace pushwire::http2 {

namespace {
// The frame headers of a message's fan-out to ~100 streams, in one allocation.
constexpr size_t kBlockBytes = 1024;
}  // namespace

void FrameOutput::copy(std::string_view bytes) {
  if (!block_ || block_->capacity() - block_->size() < bytes.size()) {
    write_copied();
    block_ = std::make_shared<std::string>();
    block_->reserve(std::max(kBlockBytes, bytes.size()));
    unwritten_ = 0;
  }
  block_->append(bytes);
}

void FrameOutput::share(net::OutChunk chunk) {
  write_copied();
  connection_.write(std::move(chunk));
}

void FrameOutput::flush() {
  write_copied();
  block_.reset();
}

void FrameOutput::write_copied() {
  if (!block_ || block_->size() == unwritten_) return;
  const std::string_view bytes = std::string_view(*block_).substr(unwritten_);
  unwritten_ = block_->size();
  connection_.write(net::OutChunk::view(block_, bytes));
}

}  // namespace pushwire::http2
