    .include "timing.inc"

@ uint32_t micro_stream_read(const uint32_t *buffer, uint32_t words): reads `words` (a multiple of 8)
@ consecutive words with post-incremented LDRs, 8 per loop iteration; the loaded values are unused.
FUNCTION micro_stream_read
    push {r4-r7, r10, r11}
    CYCLES_BEGIN
1:
    ldr r2, [r0], #4
    ldr r3, [r0], #4
    ldr r4, [r0], #4
    ldr r5, [r0], #4
    ldr r6, [r0], #4
    ldr r7, [r0], #4
    ldr r2, [r0], #4
    ldr r3, [r0], #4
    subs r1, r1, #8
    bne 1b
    CYCLES_END
    pop {r4-r7, r10, r11}
    bx lr
END_FUNCTION micro_stream_read
