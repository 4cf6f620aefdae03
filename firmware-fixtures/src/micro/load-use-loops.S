    .include "timing.inc"

@ uint32_t micro_load_chain(uint32_t *self_pointer): 64 LDRs, each using the previous one's result as
@ its address (the word at self_pointer holds its own address, so r3 never changes).
FUNCTION micro_load_chain
    push {r10, r11}
    mov r3, r0
    CYCLES_BEGIN
    .rept 64
    ldr r3, [r3]
    .endr
    CYCLES_END
    pop {r10, r11}
    bx lr
END_FUNCTION micro_load_chain

@ uint32_t micro_load_to_alu(uint32_t *p): 64 x (LDR then an ADD that consumes the loaded value).
FUNCTION micro_load_to_alu
    push {r4, r10, r11}
    mov r3, r0
    movs r4, #0
    CYCLES_BEGIN
    .rept 64
    ldr r1, [r3]
    add r4, r4, r1
    .endr
    CYCLES_END
    pop {r4, r10, r11}
    bx lr
END_FUNCTION micro_load_to_alu

@ uint32_t micro_load_to_mul(uint32_t *p): 64 x (LDR then a MUL that consumes the loaded value).
FUNCTION micro_load_to_mul
    push {r4, r10, r11}
    mov r3, r0
    CYCLES_BEGIN
    .rept 64
    ldr r1, [r3]
    mul r4, r1, r1
    .endr
    CYCLES_END
    pop {r4, r10, r11}
    bx lr
END_FUNCTION micro_load_to_mul

@ uint32_t micro_load_pairs(uint32_t *p): 64 x two independent LDRs from adjacent words (even and odd
@ word: different DTCM / D-cache banks, so they may dual-issue).
FUNCTION micro_load_pairs
    push {r4, r10, r11}
    mov r3, r0
    CYCLES_BEGIN
    .rept 64
    ldr r1, [r3]
    ldr r4, [r3, #4]
    .endr
    CYCLES_END
    pop {r4, r10, r11}
    bx lr
END_FUNCTION micro_load_pairs

@ uint32_t micro_ldm8(uint32_t *p): 16 x LDM of 8 registers from the same 8 words.
FUNCTION micro_ldm8
    push {r4-r8, r10, r11}
    mov r3, r0
    CYCLES_BEGIN
    .rept 16
    ldm r3, {r0-r2, r4-r8}
    .endr
    CYCLES_END
    pop {r4-r8, r10, r11}
    bx lr
END_FUNCTION micro_ldm8

@ uint32_t micro_ldm3(uint32_t *p): 16 x LDM of 3 registers.
FUNCTION micro_ldm3
    push {r10, r11}
    mov r3, r0
    CYCLES_BEGIN
    .rept 16
    ldm r3, {r0-r2}
    .endr
    CYCLES_END
    pop {r10, r11}
    bx lr
END_FUNCTION micro_ldm3
