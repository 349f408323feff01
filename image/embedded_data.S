/*
 * The script built in with EMBED=file (empty without it).  The build
 * passes the file's path as EMBED_PATH; image/embedded.c registers it.
 */
	.section .rodata.embedded, "a", @progbits
	.globl	embedded_script
	.globl	embedded_script_end
	.balign	16
embedded_script:
	.incbin	EMBED_PATH
embedded_script_end:
	.byte	0
	.section .note.GNU-stack, "", @progbits
