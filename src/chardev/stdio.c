/*
 * The stdio backend: the terminal Morpho runs in.  On a tty it switches to
 * raw mode as QEMU does (no echo, no line editing, no CR/NL mangling on
 * input; output post-processing kept), with ISIG off unless signal=on so
 * Ctrl-C reaches the guest.  The saved settings are restored by an
 * async-signal-safe exit hook, so every way out -- normal exit, exit(1),
 * SIGTERM, a crash -- gives the terminal back.  A non-tty stdin (a pipe, a
 * file, /dev/null) works too: it is read until EOF.  Only one stdio
 * chardev may exist.
 */
#include <errno.h>
#include <stdbool.h>
#include <termios.h>
#include <unistd.h>

#include "chardev/chardev_internal.h"
#include "system/runstate.h"

static bool stdio_in_use;
static bool stdio_tty_saved;
static struct termios stdio_saved_tty;

static void stdio_restore_terminal(void)
{
    if (stdio_tty_saved) {
        tcsetattr(STDIN_FILENO, TCSANOW, &stdio_saved_tty);
    }
}

static bool stdio_open(Chardev *chr, const ChardevOptions *opts, Error **errp)
{
    if (stdio_in_use) {
        error_setg(errp, "cannot use stdio by multiple character devices");
        return false;
    }
    if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &stdio_saved_tty) == 0) {
        struct termios tty = stdio_saved_tty;

        stdio_tty_saved = true;
        runstate_add_exit_hook(stdio_restore_terminal);
        tty.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
        tty.c_oflag |= OPOST;
        tty.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN);
        if (!opts->signal) {
            tty.c_lflag &= ~ISIG;
        }
        tty.c_cflag &= ~(CSIZE | PARENB);
        tty.c_cflag |= CS8;
        tty.c_cc[VMIN] = 1;
        tty.c_cc[VTIME] = 0;
        tcsetattr(STDIN_FILENO, TCSANOW, &tty);
    }
    stdio_in_use = true;
    chardev_fd_attach((ChardevFd *)chr, STDIN_FILENO, STDOUT_FILENO);
    chr->opened = true;
    return true;
}

static void stdio_close(Chardev *chr)
{
    chardev_fd_close(chr);
    stdio_restore_terminal();
    stdio_tty_saved = false;
    stdio_in_use = false;
}

const ChardevBackend chardev_stdio_backend = {
    .name = "stdio",
    .help = "the terminal (signal=on|off: whether Ctrl-C stops Morpho)",
    .instance_size = sizeof(ChardevFd),
    .open = stdio_open,
    .write = chardev_fd_write,
    .accept_input = chardev_fd_accept_input,
    .close = stdio_close,
};
