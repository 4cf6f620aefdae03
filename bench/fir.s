@ Fixed-point FIR for the core benchmark: 16 taps (int16), 256 samples per block, looped forever.
@ x: int16[256 + 16] at 0x20000000, h: int16[16] at 0x20001000, y: int32[256] at 0x20002000.
.syntax unified
.thumb
.text
start:
    ldr   r0, =0x20000000      @ x
    ldr   r1, =0x20001000      @ h
    ldr   r2, =0x20002000      @ y
    mov   r3, #256             @ samples
sample:
    movs  r4, #0               @ accumulator
    mov   r5, r0
    mov   r6, r1
    movs  r7, #8               @ 16 taps, two per SMLAD
tap:
    ldr   r8, [r5], #4
    ldr   r9, [r6], #4
    smlad r4, r8, r9, r4
    subs  r7, #1
    bne   tap
    asrs  r4, r4, #15
    ssat  r4, #16, r4
    str   r4, [r2], #4
    adds  r0, #2
    subs  r3, #1
    bne   sample
    b     start
.ltorg
