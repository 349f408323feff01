; Entry stubs for CPU exceptions in protected mode
;
; One stub per vector 0..31.  Each makes the stack look the same (an
; error code, pushed by the CPU or as 0, then the vector number), saves
; the general registers and calls exception_report() in exceptions.c
; with a pointer to what it saved.  exception_report() never returns.

	bits	32

	section	.text.exception_entry progbits alloc exec nowrite align=16

	extern	exception_report
	global	exception_stubs

; Vectors for which the CPU pushes an error code
%define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

%assign vector 0
%rep 32
exception_stub_%+vector:
%if !HAS_ERROR_CODE(vector)
	push	0
%endif
	push	vector
	jmp	exception_common
%assign vector vector + 1
%endrep

exception_common:
	; struct exception_frame: edi esi ebp esp ebx edx ecx eax (PUSHAD),
	; then vector, error code, eip, cs, eflags
	pushad
	cld
	mov	eax, esp
	push	eax
	call	exception_report
.halt:
	cli
	hlt
	jmp	.halt

	section	.data.exception_stubs progbits alloc noexec write align=4

; Addresses of the stubs, for the IDT
exception_stubs:
%assign vector 0
%rep 32
	dd	exception_stub_%+vector
%assign vector vector + 1
%endrep
