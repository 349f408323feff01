; Linux bzImage prefix: the real-mode setup part of bin/ferry.lkrn
;
; Laid out as a Linux kernel's setup code (Documentation/x86/boot.rst):
; a 512-byte boot sector whose tail holds the first header fields, then
; the "HdrS" setup header at 0x202 and the setup code.  A boot loader
; (QEMU -kernel, GRUB linux16, syslinux) loads these sectors below 1 MiB,
; the 32-bit body at 1 MiB (LOADED_HIGH), and jumps to the setup code in
; real mode at (segment + 0x20):0000.
;
; The setup code enables A20, switches to flat 32-bit protected mode and
; jumps to the body (code32_start) with ESI pointing at its own base,
; where the body finds the header (command line, initrd).  Everything
; else (base memory, the real-mode trampoline, .bss, E820) is the body's
; work, so the body can equally be entered through the Linux 32-bit boot
; protocol (ESI = the loader's zero page, which has the same header).
;
; Built with -DBODY_SIZE=<bytes of the body> -DFERRY_VERSION="x.y.z".

	bits	16
	org	0

%ifndef BODY_SIZE
%error "BODY_SIZE must be given"
%endif
%ifndef FERRY_VERSION
%define FERRY_VERSION "unknown"
%endif

; Boot protocol version implemented (2.07: no setup_data, which a loader
; might otherwise append to a kernel it believes to understand it)
BOOT_PROTOCOL	equ	0x0207
; loadflags
LOADED_HIGH	equ	0x01
; Where the body is loaded and entered
BODY_ADDRESS	equ	0x100000

SEL_CODE32	equ	0x08
SEL_DATA32	equ	0x10

; ---- boot sector -------------------------------------------------------------

; Run only if someone writes the image to a disk and boots it: say what
; this is and give the boot back to the BIOS.
boot_sector:
	jmp	0x07c0:.start
.start:
	mov	ax, cs
	mov	ds, ax
	mov	si, boot_sector_message
	call	print_string
	xor	ax, ax
	int	0x16
	int	0x18
.halt:
	hlt
	jmp	.halt

boot_sector_message:
	db	"This is bin/ferry.lkrn, a Linux kernel image: load it with", 13, 10
	db	"a boot loader (QEMU -kernel, GRUB linux16, syslinux).", 13, 10
	db	"Press a key to continue booting.", 13, 10, 0

%include "prefix/print_string.inc"

	times	0x1f1 - ($ - $$) db 0

; ---- setup header (offsets fixed by the boot protocol) -----------------------

SETUP_SECTS	equ	((setup_end - $$ - 512) / 512)

hdr_setup_sects:	db	SETUP_SECTS		; 0x1f1
hdr_root_flags:		dw	0			; 0x1f2
hdr_syssize:		dd	(BODY_SIZE + 15) / 16	; 0x1f4
hdr_ram_size:		dw	0			; 0x1f8
hdr_vid_mode:		dw	0xffff			; 0x1fa normal
hdr_root_dev:		dw	0			; 0x1fc
hdr_boot_flag:		dw	0xaa55			; 0x1fe
hdr_jump:		jmp	short setup_code	; 0x200
hdr_header:		db	"HdrS"			; 0x202
hdr_version:		dw	BOOT_PROTOCOL		; 0x206
hdr_realmode_swtch:	dd	0			; 0x208
hdr_start_sys_seg:	dw	0x1000			; 0x20c
hdr_kernel_version:	dw	version_string - 0x200	; 0x20e
hdr_type_of_loader:	db	0			; 0x210
hdr_loadflags:		db	LOADED_HIGH		; 0x211
hdr_setup_move_size:	dw	0x8000			; 0x212
hdr_code32_start:	dd	BODY_ADDRESS		; 0x214
hdr_ramdisk_image:	dd	0			; 0x218
hdr_ramdisk_size:	dd	0			; 0x21c
hdr_bootsect_kludge:	dd	0			; 0x220
hdr_heap_end_ptr:	dw	0			; 0x224
hdr_ext_loader_ver:	db	0			; 0x226
hdr_ext_loader_type:	db	0			; 0x227
hdr_cmd_line_ptr:	dd	0			; 0x228
hdr_initrd_addr_max:	dd	0x7fffffff		; 0x22c
hdr_kernel_alignment:	dd	0x1000			; 0x230
hdr_relocatable:	db	0			; 0x234
hdr_min_alignment:	db	0			; 0x235
hdr_xloadflags:		dw	0			; 0x236
hdr_cmdline_size:	dd	0x7ff			; 0x238
hdr_hardware_subarch:	dd	0			; 0x23c
hdr_subarch_data:	dq	0			; 0x240

version_string:
	db	"Ferry ", FERRY_VERSION, 0

; ---- setup code ----------------------------------------------------------------

; Entered at (segment + 0x20):0000 through the jump at 0x200, with DS =
; ES = SS = segment and a stack the loader chose.
setup_code:
	cli
	cld
	; Run with CS = DS = ES = our segment, so offsets are file offsets
	mov	ax, cs
	sub	ax, 0x20
	push	ax
	push	word .normalised
	retf
.normalised:
	mov	ds, ax
	mov	es, ax

	call	a20_enable
	jnc	.a20_on
	mov	si, a20_message
	call	print_string
.halt:
	hlt
	jmp	.halt
.a20_on:
	; ESI = our linear base; the GDT's base follows from it
	cli
	xor	esi, esi
	mov	si, ds
	shl	esi, 4
	lea	eax, [esi + setup_gdt]
	mov	[setup_gdtr + 2], eax
	o32 lgdt [setup_gdtr]
	mov	eax, [hdr_code32_start]
	mov	[body_entry], eax

	; Flat 32-bit protected mode, paging off, interrupts off
	mov	eax, cr0
	or	al, 1
	mov	cr0, eax
	mov	ax, SEL_DATA32
	mov	ds, ax
	mov	es, ax
	mov	fs, ax
	mov	gs, ax
	mov	ss, ax
	; CS still holds the real-mode base until this jump
	jmp	far dword [cs:body_entry]

a20_message:
	db	"Ferry: cannot enable the A20 line", 13, 10, 0

; ---- A20 ---------------------------------------------------------------------

%include "prefix/a20.inc"

; ---- data --------------------------------------------------------------------

	align	8
setup_gdt:
	dq	0
	dq	0x00cf9a000000ffff		; 0x08 flat code
	dq	0x00cf92000000ffff		; 0x10 flat data
setup_gdt_end:

	align	4
	dw	0
setup_gdtr:
	dw	setup_gdt_end - setup_gdt - 1
	dd	0

	align	4
body_entry:
	dd	0
	dw	SEL_CODE32

	align	512, db 0
setup_end:
