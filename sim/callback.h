// Callback: a move-only, type-erased `void()` with small-buffer storage.
//
// Callables up to kInlineBytes (48) bytes with alignment <= 8 that are nothrow-movable live inside
// the Callback and never allocate; larger ones are moved to the heap. The object is 56 bytes: the
// inline buffer plus one pointer to a per-type table, so a simulator slot (callback, generation,
// free-list link) is exactly one 64-byte cache line. Trivially copyable callables (most lambdas
// capturing pointers and integers) are moved with a plain memcpy and need no destructor call.
// (std::move_only_function is C++23 and not in g++ 12.)
#pragma once

#include <cassert>
#include <cstddef>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace sim {

class Callback {
 public:
  static constexpr size_t kInlineBytes = 48;

  Callback() = default;

  template <
      class F, class D = std::decay_t<F>,
      class = std::enable_if_t<!std::is_same_v<D, Callback> && std::is_invocable_r_v<void, D&>>>
  Callback(F&& fn) {  // NOLINT(google-explicit-constructor): lambdas convert implicitly
    if constexpr (fits_inline<D>()) {
      ::new (static_cast<void*>(buffer_)) D(std::forward<F>(fn));
      ops_ = &kInlineOps<D>;
    } else {
      D* heap = new D(std::forward<F>(fn));
      std::memcpy(buffer_, &heap, sizeof heap);
      ops_ = &kHeapOps<D>;
    }
  }

  Callback(Callback&& other) noexcept { take(other); }
  Callback& operator=(Callback&& other) noexcept {
    if (this != &other) {
      reset();
      take(other);
    }
    return *this;
  }
  Callback(const Callback&) = delete;
  Callback& operator=(const Callback&) = delete;
  ~Callback() { reset(); }

  // Whether a callable of type F is stored inline (no allocation). Hot paths static_assert it,
  // so that a capture that grows past kInlineBytes is a compile error, not a silent allocation.
  template <class F>
  static constexpr bool stores_inline() {
    return fits_inline<std::decay_t<F>>();
  }

  // REQUIRES: *this holds a callable.
  void operator()() {
    assert(ops_ != nullptr && "calling an empty Callback");
    ops_->invoke(buffer_);
  }
  explicit operator bool() const { return ops_ != nullptr; }

  // Destroys the held callable (if any); afterwards the Callback is empty.
  void reset() {
    if (ops_ != nullptr) {
      if (ops_->destroy != nullptr) ops_->destroy(buffer_);
      ops_ = nullptr;
    }
  }

 private:
  struct Ops {
    void (*invoke)(void* storage);
    // Move-constructs into `to` and destroys `from`; null means "memcpy is enough".
    void (*relocate)(void* from, void* to);
    void (*destroy)(void* storage);  // null means "nothing to do"
  };

  template <class D>
  static constexpr bool fits_inline() {
    return sizeof(D) <= kInlineBytes && alignof(D) <= 8 && std::is_nothrow_move_constructible_v<D>;
  }

  template <class D>
  static constexpr Ops kInlineOps = {
      [](void* s) { (*std::launder(static_cast<D*>(s)))(); },
      std::is_trivially_copyable_v<D> ? nullptr
                                      : +[](void* from, void* to) {
                                          D* source = std::launder(static_cast<D*>(from));
                                          ::new (to) D(std::move(*source));
                                          source->~D();
                                        },
      std::is_trivially_destructible_v<D> ? nullptr
                                          : +[](void* s) { std::launder(static_cast<D*>(s))->~D(); },
  };

  template <class D>
  static D* heap_pointer(void* s) {
    D* p;
    std::memcpy(&p, s, sizeof p);
    return p;
  }

  template <class D>
  static constexpr Ops kHeapOps = {
      [](void* s) { (*heap_pointer<D>(s))(); },
      nullptr,  // the pointer itself is moved by memcpy
      [](void* s) { delete heap_pointer<D>(s); },
  };

  void take(Callback& other) noexcept {
    ops_ = other.ops_;
    if (ops_ == nullptr) return;
    if (ops_->relocate != nullptr) {
      ops_->relocate(other.buffer_, buffer_);
    } else {
      std::memcpy(buffer_, other.buffer_, kInlineBytes);
    }
    other.ops_ = nullptr;
  }

  alignas(8) unsigned char buffer_[kInlineBytes];
  const Ops* ops_ = nullptr;
};

static_assert(sizeof(Callback) == 56);

}  // namespace sim
