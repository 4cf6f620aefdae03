    .include "timing.inc"

@ uint32_t micro_udiv_throughput(uint32_t dividend, uint32_t divisor): 32 independent UDIVs.
FUNCTION micro_udiv_throughput
    push {r10, r11}
    CYCLES_BEGIN
    .rept 32
    udiv r2, r0, r1
    .endr
    CYCLES_END
    pop {r10, r11}
    bx lr
END_FUNCTION micro_udiv_throughput

@ uint32_t micro_sdiv_throughput(int32_t dividend, int32_t divisor): 32 independent SDIVs.
FUNCTION micro_sdiv_throughput
    push {r10, r11}
    CYCLES_BEGIN
    .rept 32
    sdiv r2, r0, r1
    .endr
    CYCLES_END
    pop {r10, r11}
    bx lr
END_FUNCTION micro_sdiv_throughput

@ uint32_t micro_udiv_chain(uint32_t dividend): 32 UDIVs by 1, each dividing the previous quotient.
FUNCTION micro_udiv_chain
    push {r10, r11}
    movs r1, #1
    mov r2, r0
    CYCLES_BEGIN
    .rept 32
    udiv r2, r2, r1
    .endr
    CYCLES_END
    pop {r10, r11}
    bx lr
END_FUNCTION micro_udiv_chain
