/*
 * The test initrd's /init: mounts devtmpfs and proc, prints the marker
 * line with the kernel command line to the console, shows which extra
 * files the boot loader put in the initrd, and powers off.
 *
 * Built statically by tests/lab/lab.py (this runs under Linux, not
 * inside Ferry).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef MARKER
#define MARKER "BOOT-OK"
#endif

int main(void)
{
	char cmdline[4096] = "";
	struct stat st;
	FILE *console;
	FILE *file;
	size_t len;

	mkdir("/dev", 0755);
	mkdir("/proc", 0755);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("proc", "/proc", "proc", 0, NULL);
	console = fopen("/dev/console", "w");
	if (!console)
		console = stdout;
	file = fopen("/proc/cmdline", "r");
	if (file) {
		len = fread(cmdline, 1, sizeof(cmdline) - 1, file);
		cmdline[len] = '\0';
		if (len && cmdline[len - 1] == '\n')
			cmdline[len - 1] = '\0';
		fclose(file);
	}
	/* Files a boot loader may add to the initrd (initrd --name) */
	if (stat("/extra.cpio", &st) == 0 || stat("/extra", &st) == 0)
		fprintf(console, "EXTRA-OK\n");
	fprintf(console, "%s cmdline=%s\n", MARKER, cmdline);
	fflush(console);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
