; The last step of booting a kernel: leaving Ferry for good
;
; Linked into the body (it runs wherever the body was moved to).  Both
; entry points are called from C with interrupts already disabled and
; never return.
;
;   handoff_jump16(segment, sp)     Linux's real-mode setup code
;   handoff_jump32(entry, eax, ebx) multiboot and ELF kernels
;
; Real mode from the top of memory: the 16-bit code below runs in a
; 16-bit protected-mode code segment whose base is its own address, so
; it needs no copy in base memory.  Clearing CR0.PE leaves CS's cached
; base in place, so execution carries on at the next instruction; the far
; return into the kernel then loads CS the real-mode way.  Data segments
; are loaded with 64 KiB limits first, as real mode expects.  The GDT that
; makes this possible lives on the stack for the few instructions that
; need it.

	bits	32

	section	.text.handoff progbits alloc exec nowrite align=16

	global	handoff_jump16
	global	handoff_jump32

; Selectors of the temporary GDT
SEL_CODE16	equ	0x08
SEL_DATA16	equ	0x10

; Access bytes: present, ring 0, code (execute/read) or data (read/write)
ACCESS_CODE	equ	0x9a
ACCESS_DATA	equ	0x92

; CR0 bits cleared for real mode: paging and protection enable
CR0_PG		equ	0x80000000
CR0_PE		equ	0x00000001

; Setup code entry: 0x20 paragraphs (the boot sector) past the segment
SETUP_ENTRY_PARAGRAPHS	equ	0x20

; void handoff_jump16(uint32_t segment, uint32_t sp)
;
; Enter real-mode code at (segment + 0x20):0000 with DS = ES = FS = GS =
; SS = segment, SP = sp, interrupts disabled and the real-mode IVT.
handoff_jump16:
	cli
	cld
	movzx	ebx, word [esp + 4]
	movzx	edx, word [esp + 8]
	call	.here
.here:	pop	ebp

	lidt	[ebp + rm_idtr - .here]

	; Code descriptor: limit 0xffff, base = code16, byte granular, 16-bit
	lea	eax, [ebp + code16 - .here]
	mov	ecx, eax
	shl	ecx, 16
	or	ecx, 0xffff
	mov	esi, eax
	and	esi, 0xff000000
	shr	eax, 16
	and	eax, 0xff
	or	esi, eax
	or	esi, (ACCESS_CODE << 8)

	; GDT: null, code (0x08), data based at 0 (0x10)
	push	dword (ACCESS_DATA << 8)
	push	dword 0x0000ffff
	push	esi
	push	ecx
	push	dword 0
	push	dword 0
	mov	eax, esp
	push	eax
	push	word (3 * 8 - 1)
	lgdt	[esp]
	jmp	dword SEL_CODE16:0

	bits	16
code16:
	mov	ax, SEL_DATA16
	mov	ds, ax
	mov	es, ax
	mov	fs, ax
	mov	gs, ax
	mov	ss, ax
	mov	eax, cr0
	and	eax, ~(CR0_PG | CR0_PE)
	mov	cr0, eax

	; Real mode (CS keeps its cached base until the far return)
	mov	ds, bx
	mov	es, bx
	mov	fs, bx
	mov	gs, bx
	mov	ss, bx
	mov	esp, edx
	add	bx, SETUP_ENTRY_PARAGRAPHS
	push	bx
	push	word 0
	retf

	align	4
rm_idtr:
	dw	0x03ff
	dd	0

	bits	32

; void handoff_jump32(uint32_t entry, uint32_t eax, uint32_t ebx)
;
; Jump to 32-bit code in the flat segments Ferry runs on.
handoff_jump32:
	cli
	cld
	mov	ecx, [esp + 4]
	mov	eax, [esp + 8]
	mov	ebx, [esp + 12]
	xor	edx, edx
	xor	esi, esi
	xor	edi, edi
	xor	ebp, ebp
	jmp	ecx
