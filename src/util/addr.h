/*
 * Address and size types that name their space (STYLE.md): a guest virtual
 * address, a guest physical address, a host pointer, an offset into guest
 * RAM.  They are plain integers/pointers; the names are for the reader.
 */
#ifndef UTIL_ADDR_H
#define UTIL_ADDR_H

#include <stdint.h>

typedef uint64_t GuestVaddr;
typedef uint64_t GuestPaddr;
typedef void *HostPtr;
typedef uint64_t RamOffset;

#endif
