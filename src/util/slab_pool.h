#pragma once
#include <cstddef>
#include <memory>
#include <new>
#include <vector>

namespace pushwire::util {

// Fixed-size blocks for objects that live as long as a connection. Packing
// them densely, away from the short-lived allocations of request handling,
// keeps an idle connection's footprint at the size of its objects instead of
// that plus the holes that malloc fragmentation leaves between them.
// One pool per thread: an object must be freed on the thread that made it,
// which holds for everything owned by one event loop.
template <size_t kSize, size_t kAlign = alignof(std::max_align_t)>
class SlabPool {
 public:
  static void* allocate() {
    SlabPool& pool = local();
    if (!pool.free_) pool.grow();
    Block* block = pool.free_;
    pool.free_ = block->next;
    return block;
  }

  static void deallocate(void* pointer) {
    SlabPool& pool = local();
    auto* block = static_cast<Block*>(pointer);
    block->next = pool.free_;
    pool.free_ = block;
  }

 private:
  static constexpr size_t kBlockSize = kSize < sizeof(void*) ? sizeof(void*) : kSize;
  static constexpr size_t kBlocksPerSlab = 64;
  union alignas(kAlign < alignof(void*) ? alignof(void*) : kAlign) Block {
    Block* next;
    unsigned char bytes[kBlockSize];
  };

  static SlabPool& local() {
    thread_local SlabPool pool;
    return pool;
  }

  void grow() {
    slabs_.push_back(std::make_unique<Block[]>(kBlocksPerSlab));
    Block* slab = slabs_.back().get();
    for (size_t i = 0; i < kBlocksPerSlab; ++i) {
      slab[i].next = free_;
      free_ = &slab[i];
    }
  }

  Block* free_ = nullptr;
  std::vector<std::unique_ptr<Block[]>> slabs_;
};

}  // namespace pushwire::util

namespace pushwire::util {

// Inherit to make `new T` and `delete` use T's per-thread SlabPool.
template <typename T>
struct SlabAllocated {
  static void* operator new(size_t size) {
    if (size != sizeof(T)) return ::operator new(size);  // a larger derived class
    return SlabPool<sizeof(T), alignof(T)>::allocate();
  }
  static void operator delete(void* pointer, size_t size) {
    if (size != sizeof(T)) return ::operator delete(pointer);
    SlabPool<sizeof(T), alignof(T)>::deallocate(pointer);
  }
};

}  // namespace pushwire::util
