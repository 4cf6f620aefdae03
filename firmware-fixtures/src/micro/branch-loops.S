    .include "timing.inc"

@ uint32_t micro_branch_pattern(const uint8_t *pattern, uint32_t count): a loop whose inner BEQ is
@ taken where pattern[i] == 0 and falls through where it is 1. The loop-closing BNE is always taken
@ except at the end. Flags for the BEQ are set right before it (worst case for flag forwarding).
FUNCTION micro_branch_pattern
    push {r4, r10, r11}
    movs r4, #0
    CYCLES_BEGIN
1:
    ldrb r3, [r0], #1
    cmp r3, #0
    beq 2f
    adds r4, r4, #1
2:
    subs r1, r1, #1
    bne 1b
    CYCLES_END
    pop {r4, r10, r11}
    bx lr
END_FUNCTION micro_branch_pattern
