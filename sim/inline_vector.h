// InlineVector: a vector of trivially copyable values whose first N live inside the object.
//
// The model keeps small per-entity lists (an order's payments, an order's charges) in which
// almost every list has exactly one element. A std::vector allocates for that one element and
// frees it when the entity retires; this keeps up to N inline and only goes to the heap (doubling,
// like std::vector) beyond. Elements are contiguous either way, so a std::span views them.
//
// Pointers, references, iterators and spans into the elements are invalidated by push_back and
// by moving the InlineVector (also when a container that holds it moves it, as sim::IdMap does on
// insert and erase): the inline elements move with the object.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <span>
#include <type_traits>
#include <utility>

namespace sim {

template <class T, size_t N>
class InlineVector {
  static_assert(std::is_trivially_copyable_v<T>, "elements are moved with memcpy");
  static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);
  static_assert(N > 0 && N < UINT32_MAX / 2);

 public:
  InlineVector() = default;
  InlineVector(const InlineVector& other) { append(other.data(), other.size_); }
  InlineVector(InlineVector&& other) noexcept { take(other); }
  InlineVector& operator=(const InlineVector& other) {
    if (this != &other) {
      clear();
      append(other.data(), other.size_);
    }
    return *this;
  }
  InlineVector& operator=(InlineVector&& other) noexcept {
    if (this != &other) {
      release();
      take(other);
    }
    return *this;
  }
  ~InlineVector() { release(); }

  void push_back(const T& value) {
    const T copy = value;  // `value` may be an element that grow() moves
    T* elements = size_ == capacity_ ? grow() : data();
    elements[size_++] = copy;
  }
  void clear() { size_ = 0; }

  T* data() { return heap_ != nullptr ? heap_ : inline_; }
  const T* data() const { return heap_ != nullptr ? heap_ : inline_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Whether the elements spilled to the heap (for tests).
  bool on_heap() const { return heap_ != nullptr; }

  T& operator[](size_t i) {
    assert(i < size_);
    return data()[i];
  }
  const T& operator[](size_t i) const {
    assert(i < size_);
    return data()[i];
  }
  T& back() {
    assert(size_ > 0);
    return data()[size_ - 1];
  }
  const T& back() const {
    assert(size_ > 0);
    return data()[size_ - 1];
  }

  T* begin() { return data(); }
  T* end() { return data() + size_; }
  const T* begin() const { return data(); }
  const T* end() const { return data() + size_; }

  // NOLINTNEXTLINE(google-explicit-constructor): a view of the elements converts implicitly
  operator std::span<const T>() const { return {data(), size_}; }

 private:
  void append(const T* values, size_t count) {
    for (size_t i = 0; i < count; ++i) push_back(values[i]);
  }

  // Moves the elements to a heap block of twice the capacity; returns it.
  T* grow() {
    const uint32_t capacity = capacity_ * 2;
    T* heap = static_cast<T*>(::operator new(capacity * sizeof(T)));
    std::memcpy(static_cast<void*>(heap), data(), size_ * sizeof(T));
    release();
    heap_ = heap;
    capacity_ = capacity;
    return heap;
  }

  void release() {
    if (heap_ != nullptr) {
      ::operator delete(heap_);
      heap_ = nullptr;
    }
    capacity_ = N;
  }

  void take(InlineVector& other) {
    size_ = other.size_;
    capacity_ = other.capacity_;
    heap_ = std::exchange(other.heap_, nullptr);
    if (heap_ == nullptr)
      std::memcpy(static_cast<void*>(inline_), other.inline_, size_ * sizeof(T));
    other.size_ = 0;
    other.capacity_ = N;
  }

  T* heap_ = nullptr;  // null while the elements fit inline
  uint32_t size_ = 0;
  uint32_t capacity_ = N;
  T inline_[N];
};

}  // namespace sim
