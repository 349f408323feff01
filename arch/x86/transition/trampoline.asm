; The real-mode trampoline
;
; A flat binary that Ferry copies to the base memory it claims (below
; 640 KiB, at a 16-byte boundary B).  It lets the 32-bit body call
; real-mode code (BIOS interrupts, far calls into PXE/UNDI ROMs) and
; hosts the IRQ 0 hook that keeps the serial line to Ferry alone.
;
; It starts with a header of fixed layout (struct trampoline_header in
; arch/x86/trampoline.h, which checks the offsets): the C side fills in
; the base-dependent fields when it installs the trampoline, writes the
; registers and the call target before each call, and reads the results
; after it.
;
; Nothing here knows where the body is: the 32-bit caller's return
; address is on its own stack, the protected-mode IDT is captured with
; SIDT at each call, and the GDT lives here.  So when the body moves to
; the top of memory the trampoline has nothing to learn.
;
; Real-mode code can also call into the body (rm_pm_entry below): the PXE
; API, the interrupt hooks Ferry installs while an NBP runs.  That entry
; reuses the GDT, the saved protected-mode stack pointer and IDT kept here,
; so it works only while the body is inside a real-mode call (it is, when
; it runs an NBP).  Both directions share one real-mode stack in the
; trampoline's segment: hdr_rm_sp is the top of its free part, so a call
; made while another is in progress goes below what that one uses.
;
; Segments while in use (selectors of the GDT below):
;   0x08  flat 32-bit code        0x10  flat 32-bit data
;   0x18  16-bit code, base B     0x20  16-bit data, base B

	bits	32
	org	0

SEL_CODE32	equ	0x08
SEL_DATA32	equ	0x10
SEL_CODE16	equ	0x18
SEL_DATA16	equ	0x20

CALL_FAR	equ	0
CALL_INT	equ	1

IRQ0_CHAIN	equ	0
IRQ0_OWN_TICK	equ	1

RING_SIZE	equ	256

; Real-mode stack size (BIOS handlers and PXE calls run on it)
STACK_SIZE	equ	4096

; ---- header: offsets must match struct trampoline_header -------------------

hdr_magic:	dd	0x4d525446		; 0x00 "FTRM"
hdr_image_len:	dw	image_end		; 0x04 bytes to copy
hdr_total_len:	dw	stack_top		; 0x06 bytes used, with stack
hdr_pm_call:	dw	pm_call32		; 0x08 32-bit call entry
hdr_irq0_hook:	dw	irq0_hook		; 0x0a IRQ 0 hook entry
hdr_pm32_ret:	dw	pm32_return		; 0x0c 32-bit re-entry
		dw	0			; 0x0e

		align	8
hdr_gdt:					; 0x10: filled in by C
		times	8 dq 0
hdr_gdtr:	dw	0			; 0x50 limit
		dd	0			;      base (linear)
		dw	0
hdr_pm_idtr:	dw	0			; 0x58 saved at each call
		dd	0
		dw	0
hdr_rm_idtr:	dw	0x03ff			; 0x60 real-mode IVT
		dd	0
		dw	0
hdr_pm_esp:	dd	0			; 0x68 saved at each call
hdr_pm32_ptr:	dd	0			; 0x6c B + pm32_return
		dw	SEL_CODE32		; 0x70
hdr_rm_cs:	dw	0			; 0x72 B >> 4

hdr_regs:					; 0x74: struct realmode_regs
regs_eax:	dd	0
regs_ebx:	dd	0
regs_ecx:	dd	0
regs_edx:	dd	0
regs_esi:	dd	0
regs_edi:	dd	0
regs_ebp:	dd	0
regs_ds:	dw	0
regs_es:	dw	0
regs_flags:	dd	0			; 0x94

hdr_target:	dw	0			; 0x98 offset
		dw	0			;      segment
hdr_call_type:	db	0			; 0x9c CALL_FAR or CALL_INT
		db	0
hdr_args_len:	dw	0			; 0x9e bytes of stack arguments
hdr_args:	times	64 db 0			; 0xa0

hdr_old_irq0:	dd	0			; 0xe0 previous IVT[8]
hdr_uart_port:	dw	0			; 0xe4 0: no draining
hdr_irq0_mode:	db	IRQ0_CHAIN		; 0xe6
		db	0
hdr_ring_head:	dw	0			; 0xe8 written by the hook
hdr_ring_tail:	dw	0			; 0xea written by C
		dd	0
hdr_ring:	times	RING_SIZE db 0		; 0xf0

hdr_rm_sp:	dw	stack_top		; 0x1f0 free real-mode stack top
hdr_rm_entry:	dw	rm_pm_entry		; 0x1f2 real-mode to PM entry
hdr_rm_jump:	dw	rm_entry		; 0x1f4 far pointer: B >> 4 is
		dw	0			; 0x1f6   filled in by C
hdr_rm_exit:	dw	rm_pm_exit_real		; 0x1f8 far pointer, likewise
		dw	0			; 0x1fa
hdr_pm_entry:	dd	rm_pm_entry32		; 0x1fc C adds B
		dw	SEL_CODE32		; 0x200
		dw	0			; 0x202

; ---- protected mode to real mode and back ----------------------------------

; void pm_call32(void)
;
; Called from the 32-bit body (flat segments, interrupts disabled) after
; it has filled in hdr_regs, hdr_target, hdr_call_type and the stack
; arguments.  Runs the call in real mode with interrupts enabled, stores
; the registers and flags it returns with, and comes back.  Preserves
; every 32-bit register but EAX..EDX as cdecl requires (all in fact).
	bits	32
pm_call32:
	pushad
	call	.here
.here:	pop	ebx
	sub	ebx, .here			; EBX = B
	mov	[ebx + hdr_pm_esp], esp
	sidt	[ebx + hdr_pm_idtr]
	jmp	SEL_CODE16:pm16_entry

	bits	16
pm16_entry:
	; 16-bit protected mode, CS base B: load 64 KiB segments based at B
	mov	ax, SEL_DATA16
	mov	ds, ax
	mov	es, ax
	mov	fs, ax
	mov	gs, ax
	mov	ss, ax
	; Leave protected mode; the segment caches still say base B.  No
	; stack is touched until real mode: the free part of the real-mode
	; stack may be below one in use (an NBP calling the PXE API).
	mov	eax, cr0
	and	al, 0xfe
	mov	cr0, eax
	jmp	far [hdr_rm_jump]

rm_entry:
	mov	ax, cs
	mov	ds, ax
	mov	es, ax
	mov	fs, ax
	mov	gs, ax
	mov	ss, ax
	movzx	esp, word [hdr_rm_sp]
	lidt	[hdr_rm_idtr]
	; Keep the free stack top to restore after the call
	push	word [hdr_rm_sp]
	; Stack arguments for a far call
	cld
	mov	cx, [hdr_args_len]
	sub	sp, cx
	mov	di, sp
	mov	si, hdr_args
	rep	movsb
	; Registers, then DS/ES/flags from the stack (DS last)
	push	word [regs_flags]
	push	word [regs_es]
	push	word [regs_ds]
	mov	eax, [regs_eax]
	mov	ebx, [regs_ebx]
	mov	ecx, [regs_ecx]
	mov	edx, [regs_edx]
	mov	esi, [regs_esi]
	mov	edi, [regs_edi]
	mov	ebp, [regs_ebp]
	; While the callee runs, the free stack ends below its return
	; address (and the flags an interrupt call pushes): a real-mode to
	; PM entry from another stack puts nested calls there
	mov	[cs:hdr_rm_sp], sp
	sub	word [cs:hdr_rm_sp], 12
	cmp	byte [cs:hdr_call_type], CALL_INT
	je	.interrupt
	pop	ds
	pop	es
	popf
	call	far [cs:hdr_target]
	jmp	.returned
.interrupt:
	; An interrupt: push the flags, clear IF, far call through the IVT
	; entry; the handler returns with IRET (or RETF 2)
	pop	ds
	pop	es
	popf
	pushf
	cli
	call	far [cs:hdr_target]
.returned:
	mov	[cs:regs_eax], eax
	mov	[cs:regs_ebx], ebx
	mov	[cs:regs_ecx], ecx
	mov	[cs:regs_edx], edx
	mov	[cs:regs_esi], esi
	mov	[cs:regs_edi], edi
	mov	[cs:regs_ebp], ebp
	pushf
	pop	word [cs:regs_flags]
	mov	[cs:regs_ds], ds
	mov	[cs:regs_es], es
	cli
	; The callee returned with its stack arguments still pushed
	add	sp, [cs:hdr_args_len]
	pop	word [cs:hdr_rm_sp]
	mov	ax, cs
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	; EBX = B, and ESP the flat address of our stack top: both are
	; used as they are once back in flat 32-bit mode
	movzx	ebx, ax
	shl	ebx, 4
	lea	esp, [ebx + stack_top]
	; Back to protected mode (the callee may have loaded its own GDT)
	o32 lgdt [hdr_gdtr]
	mov	eax, cr0
	or	al, 1
	mov	cr0, eax
	jmp	far dword [hdr_pm32_ptr]

	bits	32
pm32_return:
	mov	ax, SEL_DATA32
	mov	ds, ax
	mov	es, ax
	mov	fs, ax
	mov	gs, ax
	mov	ss, ax
	mov	esp, [ebx + hdr_pm_esp]
	lidt	[ebx + hdr_pm_idtr]
	cld
	popad
	ret

; ---- real mode to protected mode and back ----------------------------------

; rm_pm_entry: far-called in real mode (by a stub Ferry installs in base
; memory) as
;
;	push	dword handler		; linear address of a 32-bit function
;	call	far trampoline:rm_pm_entry
;
; It may be entered with interrupts enabled and on any stack with room
; for its frame (struct realmode_frame in arch/x86/realmode.h, 70 bytes):
; the caller's descriptor tables, stack pointer, registers, segment
; registers and flags, below the return address and the handler.  It
; calls "void handler(struct realmode_frame *frame)" in flat 32-bit mode
; with interrupts disabled, on the body's stack (below the frame of the
; real-mode call the body is waiting in), then reloads everything from
; the frame, which the handler may have changed (results, flags), and
; returns with RETF 4, removing the handler.  If the body is not inside
; a real-mode call (hdr_pm_esp is 0) it returns at once with CF set.
	bits	16
rm_pm_entry:
	pushfd
	cli
	cmp	dword [cs:hdr_pm_esp], 0
	je	.refuse
	push	ds
	push	es
	push	fs
	push	gs
	pushad
	push	word [cs:hdr_rm_sp]		; free stack top, restored
	sub	sp, 16
	mov	bp, sp
	o32 sgdt [bp]				; the caller's descriptor tables
	o32 sidt [bp + 6]
	mov	[bp + 12], ss			; and where the frame is
	mov	[bp + 14], sp
	; Nested real-mode calls go below this frame if the caller is on
	; our stack and below what is already in use; else where they were
	mov	ax, cs
	mov	ds, ax
	mov	bx, ss
	cmp	bx, ax
	jne	.other_stack
	cmp	sp, [hdr_rm_sp]
	jae	.other_stack
	mov	[hdr_rm_sp], sp
.other_stack:
	; EBX = the frame (linear), EDX = B
	movzx	ebx, bx
	shl	ebx, 4
	movzx	ecx, sp
	add	ebx, ecx
	movzx	edx, ax
	shl	edx, 4
	o32 lgdt [hdr_gdtr]
	mov	eax, cr0
	or	al, 1
	mov	cr0, eax
	jmp	far dword [hdr_pm_entry]
.refuse:
	popfd
	stc
	retf	4

	bits	32
rm_pm_entry32:
	mov	ax, SEL_DATA32
	mov	ds, ax
	mov	es, ax
	mov	fs, ax
	mov	gs, ax
	mov	ss, ax
	mov	esp, [edx + hdr_pm_esp]
	lidt	[edx + hdr_pm_idtr]
	cld
	; A nested real-mode call overwrites hdr_pm_esp: keep ours.  The
	; argument slot belongs to the callee, so EBX is kept apart.
	push	dword [edx + hdr_pm_esp]
	push	edx
	push	ebx
	push	ebx
	call	[ebx + RM_FRAME_HANDLER]
	add	esp, 4
	pop	ebx
	pop	edx
	pop	dword [edx + hdr_pm_esp]
	jmp	SEL_CODE16:rm_pm_exit16

	bits	16
rm_pm_exit16:
	mov	ax, SEL_DATA16
	mov	ds, ax
	mov	es, ax
	mov	fs, ax
	mov	gs, ax
	mov	ss, ax
	mov	eax, cr0
	and	al, 0xfe
	mov	cr0, eax
	jmp	far [hdr_rm_exit]

rm_pm_exit_real:
	; EBX still holds the frame's linear address: back to the caller's
	; own SS:SP, then everything else from the frame
	mov	eax, ebx
	shr	eax, 4
	mov	fs, ax
	and	bx, 0x0f
	mov	ss, [fs:bx + 12]
	movzx	esp, word [fs:bx + 14]
	mov	bp, sp
	o32 lidt [bp + 6]
	o32 lgdt [bp]
	add	sp, 16
	pop	word [cs:hdr_rm_sp]
	popad
	pop	gs
	pop	fs
	pop	es
	pop	ds
	popfd
	retf	4

; Offset of the handler in the frame: GDTR 6, IDTR 6, SS 2, SP 2, saved
; free stack top 2, PUSHAD 32, GS FS ES DS 8, EFLAGS 4, return address 4
RM_FRAME_HANDLER	equ	(16 + 2 + 32 + 8 + 4 + 4)

; ---- IRQ 0 hook --------------------------------------------------------------

; Installed in IVT[8] while Ferry runs.  Before the BIOS sees the timer
; tick, move whatever the UART has received into the ring, so that a
; BIOS serial console redirector polling from its timer handler (SeaBIOS
; "sercon") finds nothing to take and every byte reaches Ferry once, in
; order.  In IRQ0_OWN_TICK mode (used when Ferry knows such a redirector
; owns the port) the BIOS handler is not called at all: the hook keeps
; the BDA tick count itself, chains INT 1Ch and acknowledges the PIC.
	bits	16
irq0_hook:
	push	ax
	push	bx
	push	dx
	push	ds
	mov	ax, cs
	mov	ds, ax
	mov	dx, [hdr_uart_port]
	test	dx, dx
	jz	.drained
	add	dx, 5				; line status register
.drain:
	in	al, dx
	cmp	al, 0xff			; no UART there
	je	.drained
	test	al, 0x01			; data ready
	jz	.drained
	mov	bx, [hdr_ring_head]
	mov	ax, bx
	inc	ax
	and	ax, RING_SIZE - 1
	cmp	ax, [hdr_ring_tail]
	je	.drained			; ring full: leave it in the FIFO
	sub	dx, 5
	push	ax
	in	al, dx
	mov	[hdr_ring + bx], al
	pop	ax
	mov	[hdr_ring_head], ax
	add	dx, 5
	jmp	.drain
.drained:
	cmp	byte [hdr_irq0_mode], IRQ0_OWN_TICK
	je	.own_tick
	pop	ds
	pop	dx
	pop	bx
	pop	ax
	jmp	far [cs:hdr_old_irq0]
.own_tick:
	mov	ax, 0x40
	mov	ds, ax
	add	word [0x6c], 1			; BDA tick count
	adc	word [0x6e], 0
	cmp	word [0x6e], 0x18		; a day is 0x1800b0 ticks
	jb	.counted
	ja	.midnight
	cmp	word [0x6c], 0xb0
	jb	.counted
.midnight:
	mov	word [0x6c], 0
	mov	word [0x6e], 0
	mov	byte [0x70], 1
.counted:
	int	0x1c
	mov	al, 0x20			; non-specific EOI
	out	0x20, al
	pop	ds
	pop	dx
	pop	bx
	pop	ax
	iret

image_end:

; ---- real-mode stack (not part of the image copied) ------------------------

	absolute image_end
	alignb	16
stack_bottom:
	resb	STACK_SIZE
stack_top:
