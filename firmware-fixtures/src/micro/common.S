    .include "timing.inc"

@ uint32_t micro_empty(void): the cost of the measurement brackets alone.
FUNCTION micro_empty
    push {r10, r11}
    CYCLES_BEGIN
    CYCLES_END
    pop {r10, r11}
    bx lr
END_FUNCTION micro_empty
