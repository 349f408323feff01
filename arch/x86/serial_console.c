/** @file
 *
 * Serial console on COM1 (16550 UART at 3F8h), 115200 8N1
 *
 * Bytes go out and come in raw: ANSI sequences pass through both ways.
 *
 * Sharing the UART with the BIOS.  SeaBIOS's serial console ("sercon",
 * on under QEMU -nographic, see serial_sercon_port()) polls the
 * UART from its timer interrupt handler and turns what it reads into
 * keystrokes for INT 16h.  Ferry services BIOS interrupts only during
 * real-mode calls, but it makes one every few milliseconds (the keyboard
 * poll, INT 16h, which enables interrupts), so without care a typed line
 * would be split between Ferry's direct reads and INT 16h, reordered,
 * and cut (sercon keeps at most 16 bytes per tick and the BIOS keyboard
 * buffer 15 keys).  So Ferry hooks IRQ 0 in real mode
 * (realmode_hook_irq0()): the hook first moves everything the UART holds
 * into a ring in base memory, which this driver reads before the UART.
 * When fw_cfg shows SeaBIOS's sercon owns this port, the hook also keeps
 * the BIOS tick itself instead of calling the BIOS handler, so sercon
 * never runs at all; otherwise the BIOS handler runs after the drain and
 * finds the FIFO empty.
 */

#include <stdint.h>
#include "core/console.h"
#include "core/init.h"
#include "core/io.h"
#include "core/platform.h"
#include "core/string.h"
#include "arch/x86/fw_cfg.h"
#include "arch/x86/realmode.h"

/** COM1 */
#define SERIAL_PORT     0x3f8
/** Baud rate */
#define SERIAL_BAUD     115200
/** UART input clock divided by 16 */
#define SERIAL_CLOCK_HZ 115200

/** UART registers */
#define UART_RBR 0 /* receive buffer (DLAB=0, read) */
#define UART_THR 0 /* transmit holding (DLAB=0, write) */
#define UART_DLL 0 /* divisor latch low (DLAB=1) */
#define UART_IER 1 /* interrupt enable (DLAB=0) */
#define UART_DLM 1 /* divisor latch high (DLAB=1) */
#define UART_FCR 2 /* FIFO control (write) */
#define UART_LCR 3 /* line control */
#define UART_MCR 4 /* modem control */
#define UART_LSR 5 /* line status */
#define UART_SCR 7 /* scratch */

#define UART_LCR_8N1          0x03
#define UART_LCR_DLAB         0x80
#define UART_FCR_ENABLE_CLEAR 0x07
#define UART_MCR_DTR_RTS      0x03
#define UART_LSR_DATA_READY   0x01
#define UART_LSR_THR_EMPTY    0x20

/** How long to wait for room to send a byte (polls, a few ms) */
#define SERIAL_SEND_POLLS 100000

/** fw_cfg files naming the port SeaBIOS's serial console uses */
#define SERCON_PORT_FILE         "etc/sercon-port"
#define SERCON_PORT_FILE_OPT     "opt/org.seabios/etc/sercon-port"
/** fw_cfg file whose presence keeps SeaBIOS's serial console off */
#define SGABIOS_FILE             "vgaroms/sgabios.bin"
/** Port SeaBIOS's serial console uses under -nographic */
#define SERCON_DEFAULT_PORT      0x3f8
/** Longest wait for a BIOS timer tick (two ticks) */
#define SERCON_SETTLE_TIMEOUT_MS 120

/** BIOS data area: timer ticks since midnight */
#define BDA_TICKS 0x46c

/** Serial console state */
struct serial_console {
	/** Port base, or 0 if there is no UART */
	uint16_t port;
	/** Set-up has been done */
	int ready;
	/** SeaBIOS's serial console uses the same port */
	int sercon;
};

/** The serial console */
static struct serial_console serial;

/**
 * Read a port number from an fw_cfg file
 *
 * @v name		File name
 * @v port		Port (0: none)
 * @ret rc		Return status code (-ENOENT: no such file)
 */
static int serial_sercon_file(const char *name, uint16_t *port)
{
	uint8_t value[8] = { 0 };
	size_t size;
	int rc;

	if ((rc = fw_cfg_read_file(name, value, sizeof(value), &size)) != 0)
		return rc;
	*port = (value[0] | (value[1] << 8));
	return 0;
}

/**
 * Find the port SeaBIOS's serial console polls, under QEMU
 *
 * SeaBIOS takes it from the fw_cfg file "etc/sercon-port" (or its
 * "opt/org.seabios/" name); failing that, when QEMU runs with
 * -nographic (legacy item FW_CFG_NOGRAPHIC) and offers no sgabios, it
 * uses COM1 by itself.  QEMU 7 sets no file: -nographic alone turns
 * sercon on.
 *
 * @ret port		Port, or 0 if there is no such console
 */
static uint16_t serial_sercon_port(void)
{
	uint16_t nographic = 0;
	uint16_t port = 0;
	size_t size;

	if (serial_sercon_file(SERCON_PORT_FILE, &port) == 0 ||
	    serial_sercon_file(SERCON_PORT_FILE_OPT, &port) == 0)
		return port;
	if (fw_cfg_read_item(FW_CFG_NOGRAPHIC, &nographic, sizeof(nographic)) !=
		    0 ||
	    !nographic)
		return 0;
	if (fw_cfg_read_file(SGABIOS_FILE, NULL, 0, &size) == 0)
		return 0;
	return SERCON_DEFAULT_PORT;
}

/**
 * Let SeaBIOS's serial console write out what it holds back
 *
 * sercon keeps the last character the BIOS printed (the final "." of
 * "Booting from ROM...") and sends it at its next timer tick.  Once the
 * IRQ 0 hook keeps the tick itself that would never come, so one tick is
 * let through first (with the hook already draining the UART, so no
 * input is lost to it).  Takes up to one tick, 55 ms, under -nographic.
 */
static void serial_sercon_settle(void)
{
	volatile uint32_t *ticks = phys_to_virt(BDA_TICKS);
	struct realmode_regs regs;
	uint32_t start = *ticks;
	uint64_t started = clock_ms();

	while (*ticks == start &&
	       (clock_ms() - started) < SERCON_SETTLE_TIMEOUT_MS) {
		/* Any real-mode call lets the pending tick in */
		memset(&regs, 0, sizeof(regs));
		regs.eax = 0x0000;
		bios_int(0x1a, &regs);
		udelay(1000);
	}
}

/**
 * Find and program the UART
 *
 * Also used before start-up is complete, when something has to be
 * printed early.
 */
static void serial_console_probe(void)
{
	uint16_t port = SERIAL_PORT;
	unsigned int divisor = (SERIAL_CLOCK_HZ / SERIAL_BAUD);

	if (serial.ready)
		return;
	serial.ready = 1;

	/* Is there a UART?  (The scratch register keeps what is written.) */
	outb(0x5a, (port + UART_SCR));
	if (inb(port + UART_SCR) != 0x5a)
		return;
	outb(0xa5, (port + UART_SCR));
	if (inb(port + UART_SCR) != 0xa5)
		return;

	outb(0x00, (port + UART_IER));
	outb(UART_LCR_DLAB, (port + UART_LCR));
	outb((divisor & 0xff), (port + UART_DLL));
	outb((divisor >> 8), (port + UART_DLM));
	outb(UART_LCR_8N1, (port + UART_LCR));
	outb(UART_FCR_ENABLE_CLEAR, (port + UART_FCR));
	outb(UART_MCR_DTR_RTS, (port + UART_MCR));
	serial.port = port;
}

/**
 * Set up the serial console, and the IRQ 0 hook that keeps the BIOS off
 * the UART
 */
static void serial_console_init(void)
{
	serial_console_probe();
	if (!serial.port)
		return;
	serial.sercon = (serial_sercon_port() == serial.port);
	realmode_hook_irq0(serial.port, 0);
	if (serial.sercon) {
		serial_sercon_settle();
		realmode_hook_irq0(serial.port, 1);
	}
}

/**
 * Write a byte
 *
 * @v character		Byte
 */
static void serial_console_putchar(int character)
{
	unsigned int polls;

	if (!serial.ready)
		serial_console_probe();
	if (!serial.port)
		return;
	for (polls = 0; polls < SERIAL_SEND_POLLS; polls++) {
		if (inb(serial.port + UART_LSR) & UART_LSR_THR_EMPTY)
			break;
	}
	outb(character, (serial.port + UART_THR));
}

/**
 * Read a byte, if one is ready
 *
 * Bytes the IRQ 0 hook took from the UART come first: they arrived
 * before anything still in the UART.
 *
 * @ret character	Byte, or -1
 */
static int serial_console_getchar(void)
{
	int character;

	if (!serial.port)
		return -1;
	character = realmode_ring_get();
	if (character >= 0)
		return character;
	if (inb(serial.port + UART_LSR) & UART_LSR_DATA_READY)
		return inb(serial.port + UART_RBR);
	return -1;
}

/** The serial console */
struct console_driver serial_console __console_driver = {
	.name = "serial",
	.putchar = serial_console_putchar,
	.getchar = serial_console_getchar,
	.usage = (CONSOLE_OUTPUT | CONSOLE_INPUT),
};

/** Set up the serial console at start-up */
struct init_fn serial_console_init_fn __init_fn(INIT_CONSOLE) = {
	.name = "serial",
	.init = serial_console_init,
};
