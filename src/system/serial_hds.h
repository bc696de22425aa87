/*
 * The serial ports the command line asked for (-serial, or -nographic's
 * default): serial_hd(0) is the chardev a board connects to its first
 * UART, as QEMU's serial_hd().  Set by start-up before board init; read by
 * boards (main thread).
 */
#ifndef SYSTEM_SERIAL_HDS_H
#define SYSTEM_SERIAL_HDS_H

#include "chardev/chardev.h"

#define SERIAL_HD_MAX 4

/* The chardev for serial port i, or NULL when none was asked for. */
Chardev *serial_hd(int i);
void serial_hd_set(int i, Chardev *chr);

#endif
