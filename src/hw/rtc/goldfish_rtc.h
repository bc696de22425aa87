/*
 * The Goldfish RTC ("google,goldfish-rtc"), as QEMU's hw/rtc/goldfish_rtc.c
 * and Linux's drivers/rtc/rtc-goldfish.c use it: a 64-bit nanosecond count
 * of wall-clock time since the epoch (the host's CLOCK_TYPE_HOST plus an
 * offset the guest sets by writing it), one alarm, one interrupt.
 * Registers (32-bit): 0x00 TIME_LOW (reading it latches TIME_HIGH),
 * 0x04 TIME_HIGH, 0x08 ALARM_LOW (writing it arms the alarm), 0x0c
 * ALARM_HIGH, 0x10 IRQ_ENABLED, 0x14 CLEAR_ALARM, 0x18 ALARM_STATUS,
 * 0x1c CLEAR_INTERRUPT.
 *
 * Output: one unnamed GPIO line, high while an alarm interrupt is pending
 * and enabled.  Thread context: big lock held (MMIO, alarm timer).
 */
#ifndef HW_RTC_GOLDFISH_RTC_H
#define HW_RTC_GOLDFISH_RTC_H

#include "core/device.h"
#include "memory/memory.h"
#include "system/timer.h"

#define TYPE_GOLDFISH_RTC "goldfish_rtc"
#define GOLDFISH_RTC_MMIO_SIZE 0x1000

typedef struct GoldfishRtcState {
    DeviceState parent_obj;
    MemoryRegion iomem;
    IrqLine *irq;
    Timer alarm_timer;
    int64_t offset_ns;          /* guest time = host wall clock + offset_ns */
    uint64_t alarm_next;
    bool alarm_running;
    bool irq_pending;
    bool irq_enabled;
    uint32_t time_high;         /* latched by reading TIME_LOW */
} GoldfishRtcState;

DECLARE_INSTANCE_CHECKER(GoldfishRtcState, GOLDFISH_RTC, TYPE_GOLDFISH_RTC)

/* The guest's current time in ns since the epoch. */
uint64_t goldfish_rtc_now(GoldfishRtcState *s);

#endif
