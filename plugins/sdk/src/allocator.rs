//! The allocator of a plugin built with the SDK (feature `allocator`, on
//! by default): blocks in power-of-two size classes, each class with its
//! own free list, fresh blocks cut from memory the plugin grows.
//!
//! A report call allocates a few hundred small blocks (the strings and
//! lists the host hands over, the document being built) and frees them all
//! before it returns. With the C library's allocator, which Rust programs
//! for `wasm32-wasip2` use otherwise, each of those operations went through
//! four calls and a general-purpose search, and took more than half of the
//! plugin's own time; here an allocation is a pop from a list or a pointer
//! bump, and a free is a push. The price is memory: a block takes the next
//! power of two of its size (at most twice the size), and freed memory is
//! only ever reused for its own class, never given back. For a plugin that
//! keeps its instance from one site to the next this is stable: the next
//! call reuses the blocks the previous one freed. A plugin that wants
//! another allocator turns the feature off and sets its own
//! `#[global_allocator]`.
//!
//! The logic ([`Heap`]) is plain Rust over addresses, tested natively on a
//! buffer; only the source of fresh memory (`memory.grow`) is WebAssembly.

// An allocator hands out raw memory: this module is one of the two places
// of the SDK with unsafe code (the other is the generated bindings).
#![allow(unsafe_code)]

use core::alloc::Layout;

/// The smallest block is 16 bytes (2⁴): room for the free list's link and
/// enough for the alignment of every type a plugin uses.
const MIN_SHIFT: u32 = 4;
/// Classes from 16 bytes to 2 GiB, past the 32-bit address space's use.
const CLASSES: usize = 28;
/// Memory comes in pages of 64 KiB, as WebAssembly grows it.
const PAGE_SHIFT: u32 = 16;
const PAGE: usize = 1 << PAGE_SHIFT;
/// Pages of a 32-bit address space.
const PAGES: usize = 1 << (32 - PAGE_SHIFT);

/// Where a heap gets fresh memory: at least `bytes`, as `(start, length)`
/// in whole pages, or `None` when there is no more (the host's memory cap).
pub(crate) type Grow = fn(usize) -> Option<(usize, usize)>;

/// A size-class heap over the memory `grow` gives it.
///
/// Each page holds blocks of one class only, and the heap notes that class
/// per page: a block's class is read from its address, never from the
/// size the caller gives back when freeing it. (The canonical ABI's glue
/// frees a returned string by its length, which is less than the capacity
/// it was allocated with; a heap that trusted that size would file the
/// block under a smaller class at every call, and grow without end.)
pub(crate) struct Heap {
    /// The head of each class's free list (0: empty); a free block holds
    /// the address of the next one in its first word.
    free: [usize; CLASSES],
    /// Per small class, the unused part of its current page: `[next, end)`.
    carve: [(usize, usize); CLASSES],
    /// The pages not handed out yet: `[next, end)`.
    pages: (usize, usize),
    /// The address of the first page grown; pages are counted from it.
    base: usize,
    /// Per page, one more than the class of its blocks (0: not this heap's).
    page_class: [u8; PAGES],
    grow: Grow,
}

impl Heap {
    pub(crate) const fn new(grow: Grow) -> Heap {
        Heap {
            free: [0; CLASSES],
            carve: [(0, 0); CLASSES],
            pages: (0, 0),
            base: usize::MAX,
            page_class: [0; PAGES],
            grow,
        }
    }

    /// The class of a layout: the power of two that holds both its size and
    /// its alignment; `None` past the largest class or for an alignment
    /// larger than a page.
    fn class(layout: Layout) -> Option<usize> {
        if layout.align() > PAGE {
            return None;
        }
        let size = layout
            .size()
            .max(layout.align())
            .max(1 << MIN_SHIFT)
            .checked_next_power_of_two()?;
        let class = (size.trailing_zeros() - MIN_SHIFT) as usize;
        (class < CLASSES).then_some(class)
    }

    fn block_size(class: usize) -> usize {
        1 << (class as u32 + MIN_SHIFT)
    }

    /// Whether the block at `ptr` comes from this heap.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn owns(&self, ptr: *mut u8) -> bool {
        self.class_at(ptr as usize).is_some()
    }

    /// The class of the block at `ptr`, from its page.
    fn class_at(&self, ptr: usize) -> Option<usize> {
        let page = ptr.checked_sub(self.base)? >> PAGE_SHIFT;
        let noted = *self.page_class.get(page)?;
        (noted > 0).then(|| usize::from(noted) - 1)
    }

    /// A block for `layout`, or null when memory is exhausted.
    ///
    /// # Safety
    ///
    /// Every address `grow` returned is writable memory of this heap alone.
    pub(crate) unsafe fn alloc(&mut self, layout: Layout) -> *mut u8 {
        let Some(class) = Heap::class(layout) else {
            return core::ptr::null_mut();
        };
        let head = self.free[class];
        if head != 0 {
            // SAFETY: `head` is a freed block of this class, whose first
            // word `dealloc` set to the next block of the list.
            self.free[class] = unsafe { (head as *const usize).read() };
            return head as *mut u8;
        }
        let size = Heap::block_size(class);
        if size >= PAGE {
            // A large block is whole pages of its own, aligned on a page.
            return match self.take_pages(size / PAGE, class) {
                Some(start) => start as *mut u8,
                None => core::ptr::null_mut(),
            };
        }
        // A small block is cut from its class's page. Blocks are powers of
        // two inside a page aligned on 64 KiB, so each is aligned on its
        // size, which covers the alignment asked.
        let (next, end) = self.carve[class];
        let start = if next < end {
            next
        } else {
            match self.take_pages(1, class) {
                Some(page) => page,
                None => return core::ptr::null_mut(),
            }
        };
        self.carve[class] = (start + size, if next < end { end } else { start + PAGE });
        start as *mut u8
    }

    /// `count` fresh pages for blocks of `class`, growing the memory when
    /// none are left.
    fn take_pages(&mut self, count: usize, class: usize) -> Option<usize> {
        let bytes = count.checked_mul(PAGE)?;
        let (mut next, mut end) = self.pages;
        if end - next < bytes {
            // A few pages at a time, so that small classes do not grow the
            // memory one page at a time.
            let (start, len) = (self.grow)(bytes.max(4 * PAGE))?;
            if self.base == usize::MAX {
                self.base = start;
            }
            // Memory grown right after the free pages extends them;
            // otherwise (someone else grew the memory in between) the rest
            // is left unused.
            if start != end {
                next = start;
            }
            end = start.checked_add(len)?;
            if end - next < bytes {
                return None;
            }
        }
        let first = (next - self.base) >> PAGE_SHIFT;
        *self.page_class.get_mut(first)? = class as u8 + 1;
        self.pages = (next + bytes, end);
        Some(next)
    }

    /// Gives a block back to its class, read from its page.
    ///
    /// # Safety
    ///
    /// `ptr` was returned by this heap and is not used again.
    pub(crate) unsafe fn dealloc(&mut self, ptr: *mut u8, _layout: Layout) {
        let Some(class) = self.class_at(ptr as usize) else {
            return;
        };
        // SAFETY: the block is at least 16 bytes, aligned on 16 at least,
        // and the caller no longer uses it.
        unsafe { (ptr as *mut usize).write(self.free[class]) };
        self.free[class] = ptr as usize;
    }

    /// Resizes a block: in place while the new size fits its class (a
    /// growing string often does), else moved to a block of the new class.
    ///
    /// # Safety
    ///
    /// As [`Heap::dealloc`] for `ptr`; `layout` is the block's, with the
    /// size it was last given; `new_size`, rounded up to the alignment,
    /// does not overflow.
    pub(crate) unsafe fn realloc(
        &mut self,
        ptr: *mut u8,
        layout: Layout,
        new_size: usize,
    ) -> *mut u8 {
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
            return core::ptr::null_mut();
        };
        let (Some(old), Some(new)) = (self.class_at(ptr as usize), Heap::class(new_layout)) else {
            return core::ptr::null_mut();
        };
        if new <= old {
            return ptr;
        }
        // SAFETY: the caller's promises, passed on.
        unsafe {
            let moved = self.alloc(new_layout);
            if !moved.is_null() {
                core::ptr::copy_nonoverlapping(ptr, moved, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
            moved
        }
    }
}

#[cfg(all(
    feature = "allocator",
    target_arch = "wasm32",
    not(target_feature = "atomics")
))]
mod global {
    use core::alloc::{GlobalAlloc, Layout};
    use core::cell::UnsafeCell;

    use super::Heap;

    use super::PAGE;

    /// Grows the plugin's memory by whole pages; `None` when the host
    /// refuses (its memory cap).
    fn grow(bytes: usize) -> Option<(usize, usize)> {
        let pages = bytes.div_ceil(PAGE);
        let old = core::arch::wasm32::memory_grow(0, pages);
        (old != usize::MAX).then(|| (old * PAGE, pages * PAGE))
    }

    struct Global(UnsafeCell<Heap>);

    // SAFETY: a plugin built for `wasm32-wasip2` without the atomics
    // feature has one thread; the heap is never reached from two at once.
    unsafe impl Sync for Global {}

    #[global_allocator]
    static HEAP: Global = Global(UnsafeCell::new(Heap::new(grow)));

    unsafe extern "C" {
        /// The C library's `free`, for a block its `malloc` gave.
        fn free(ptr: *mut u8);
    }

    // SAFETY: the heap's blocks are distinct, writable, at least as large
    // and as aligned as asked (see `Heap`), and one thread uses it. A block
    // the heap does not own can only come from the C library's allocator
    // (see `cabi_realloc` below), and goes back to it.
    unsafe impl GlobalAlloc for Global {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            unsafe { (*self.0.get()).alloc(layout) }
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            unsafe {
                let heap = &mut *self.0.get();
                if heap.owns(ptr) {
                    heap.dealloc(ptr, layout);
                } else {
                    free(ptr);
                }
            }
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            unsafe {
                let heap = &mut *self.0.get();
                if heap.owns(ptr) {
                    return heap.realloc(ptr, layout, new_size);
                }
                let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
                    return core::ptr::null_mut();
                };
                let moved = heap.alloc(new_layout);
                if !moved.is_null() {
                    core::ptr::copy_nonoverlapping(ptr, moved, layout.size().min(new_size));
                    free(ptr);
                }
                moved
            }
        }
    }

    /// The function through which the host allocates in the plugin's
    /// memory, to hand it strings and lists. On `wasm32-wasip2` the C
    /// library provides a weak one on its own `malloc`; this one takes its
    /// place so that what the host hands over and what the plugin frees
    /// come from the same heap.
    ///
    /// # Safety
    ///
    /// Called by the host as the canonical ABI says: `old_ptr` and
    /// `old_len` describe a block it got from this function, or are zero.
    #[unsafe(export_name = "cabi_realloc")]
    unsafe extern "C" fn cabi_realloc(
        old_ptr: *mut u8,
        old_len: usize,
        align: usize,
        new_len: usize,
    ) -> *mut u8 {
        let ptr = unsafe {
            if old_len == 0 {
                if new_len == 0 {
                    return align as *mut u8;
                }
                HEAP.alloc(Layout::from_size_align_unchecked(new_len, align))
            } else {
                HEAP.realloc(
                    old_ptr,
                    Layout::from_size_align_unchecked(old_len, align),
                    new_len,
                )
            }
        };
        if ptr.is_null() {
            // Out of memory: the host's cap was reached, and its limiter
            // names it.
            core::arch::wasm32::unreachable();
        }
        ptr
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// The test heaps' memory: one buffer, handed out in 64 KiB chunks
    /// like `memory.grow` does.
    static ARENA: Mutex<(usize, usize)> = Mutex::new((0, 0));
    const CHUNK: usize = 65536;

    fn grow(bytes: usize) -> Option<(usize, usize)> {
        let mut arena = ARENA.lock().unwrap();
        let (next, end) = *arena;
        let len = bytes.div_ceil(CHUNK) * CHUNK;
        (next + len <= end).then(|| {
            arena.0 += len;
            (next, len)
        })
    }

    /// One test at a time uses the arena, which holds `size` bytes.
    fn with_arena(size: usize, test: impl FnOnce()) {
        static ONE: Mutex<()> = Mutex::new(());
        let _one = ONE.lock().unwrap_or_else(|p| p.into_inner());
        let buffer = vec![0u8; size + CHUNK];
        let base = (buffer.as_ptr() as usize).next_multiple_of(CHUNK);
        *ARENA.lock().unwrap() = (base, base + size);
        test();
        drop(buffer);
    }

    #[test]
    fn blocks_are_aligned_distinct_and_reused_after_a_free() {
        with_arena(1 << 20, || {
            let mut heap = Box::new(Heap::new(grow));
            let mut live: Vec<(*mut u8, Layout)> = Vec::new();
            for (i, (size, align)) in [(1, 1), (24, 8), (16, 16), (100, 4), (3000, 64), (8, 256)]
                .into_iter()
                .cycle()
                .take(60)
                .enumerate()
            {
                let layout = Layout::from_size_align(size, align).unwrap();
                let p = unsafe { heap.alloc(layout) };
                assert!(!p.is_null());
                assert_eq!(p as usize % align, 0, "{layout:?}");
                unsafe { core::ptr::write_bytes(p, i as u8, size) };
                live.push((p, layout));
            }
            // Nothing overlaps: each block still holds its own byte.
            for (i, (p, layout)) in live.iter().enumerate() {
                let bytes = unsafe { core::slice::from_raw_parts(*p, layout.size()) };
                assert!(bytes.iter().all(|b| *b == i as u8), "block {i}");
            }
            let (freed, layout) = live[3];
            unsafe { heap.dealloc(freed, layout) };
            let again = unsafe { heap.alloc(Layout::from_size_align(70, 4).unwrap()) };
            assert_eq!(again, freed, "a freed block serves its class again");
        });
    }

    #[test]
    fn a_block_grows_in_place_within_its_class_and_moves_past_it() {
        with_arena(1 << 20, || {
            let mut heap = Box::new(Heap::new(grow));
            let layout = Layout::from_size_align(20, 1).unwrap();
            let p = unsafe { heap.alloc(layout) };
            unsafe { core::ptr::copy_nonoverlapping(b"twenty bytes, almost".as_ptr(), p, 20) };
            let same = unsafe { heap.realloc(p, layout, 32) };
            assert_eq!(same, p);
            let moved = unsafe { heap.realloc(same, Layout::from_size_align(32, 1).unwrap(), 33) };
            assert_ne!(moved, p);
            let bytes = unsafe { core::slice::from_raw_parts(moved, 20) };
            assert_eq!(bytes, b"twenty bytes, almost");
        });
    }

    #[test]
    fn exhausted_memory_gives_null_and_the_heap_goes_on() {
        with_arena(10 * CHUNK, || {
            let mut heap = Box::new(Heap::new(grow));
            let small = Layout::from_size_align(64, 8).unwrap();
            assert!(!unsafe { heap.alloc(small) }.is_null());
            let big = Layout::from_size_align(3 * CHUNK, 8).unwrap();
            let first = unsafe { heap.alloc(big) };
            assert!(!first.is_null());
            assert_eq!(first as usize % CHUNK, 0, "a large block starts a page");
            assert!(unsafe { heap.alloc(big) }.is_null(), "past the arena");
            assert!(
                !unsafe { heap.alloc(small) }.is_null(),
                "small blocks still come from their page"
            );
            let huge = Layout::from_size_align(1 << 40, 8).unwrap();
            assert!(unsafe { heap.alloc(huge) }.is_null());
        });
    }

    /// The canonical ABI frees a returned string by its length, not by the
    /// capacity it was allocated with: the block must still go back to its
    /// own class, or every call would take a fresh one.
    #[test]
    fn a_block_freed_with_a_smaller_size_goes_back_to_its_class() {
        with_arena(1 << 20, || {
            let mut heap = Box::new(Heap::new(grow));
            let allocated = Layout::from_size_align(40, 1).unwrap();
            let returned = Layout::from_size_align(20, 1).unwrap();
            let first = unsafe { heap.alloc(allocated) };
            unsafe { heap.dealloc(first, returned) };
            for _ in 0..1000 {
                let p = unsafe { heap.alloc(allocated) };
                assert_eq!(p, first, "the same block, call after call");
                unsafe { heap.dealloc(p, returned) };
            }
        });
    }
}
