    .include "timing.inc"

@ Dependent floating-point chains of 32 instructions each; every function returns the elapsed cycles.
@ Constants come from VMOV immediates (1.0, 0.5, 2.0) so no memory access is inside the timed region.

    .macro FP_CHAIN name, setup, body
FUNCTION \name
    push {r10, r11}
    \setup
    CYCLES_BEGIN
    .rept 32
    \body
    .endr
    CYCLES_END
    pop {r10, r11}
    bx lr
END_FUNCTION \name
    .endm

    .macro SETUP_F32
    vmov.f32 s0, #2.0
    vmov.f32 s1, #1.0
    vmov.f32 s2, #0.5
    .endm

    .macro SETUP_F64
    vmov.f64 d0, #2.0
    vmov.f64 d1, #1.0
    .endm

@ s0 = s0 + 1.0
FP_CHAIN micro_vadd_f32_chain, SETUP_F32, "vadd.f32 s0, s0, s1"
@ s0 = s0 * 1.0
FP_CHAIN micro_vmul_f32_chain, SETUP_F32, "vmul.f32 s0, s0, s1"
@ s0 = s0 + s1 * s2: the chain runs through the accumulator
FP_CHAIN micro_vfma_f32_acc_chain, SETUP_F32, "vfma.f32 s0, s1, s2"
@ s0 = s0 / 1.0
FP_CHAIN micro_vdiv_f32_chain, SETUP_F32, "vdiv.f32 s0, s0, s1"
@ s0 = sqrt(s0)
FP_CHAIN micro_vsqrt_f32_chain, SETUP_F32, "vsqrt.f32 s0, s0"
@ d0 = d0 + 1.0
FP_CHAIN micro_vadd_f64_chain, SETUP_F64, "vadd.f64 d0, d0, d1"
@ d0 = d0 * 1.0
FP_CHAIN micro_vmul_f64_chain, SETUP_F64, "vmul.f64 d0, d0, d1"
@ d0 = d0 / 1.0
FP_CHAIN micro_vdiv_f64_chain, SETUP_F64, "vdiv.f64 d0, d0, d1"

@ uint32_t micro_vfma_f32_mul_chain(void): 32 VFMA.F32 where each result is the next one's multiplicand
@ (16 pairs: s1 += s0 * 0.5, then s0 += s1 * 0.5).
FUNCTION micro_vfma_f32_mul_chain
    push {r10, r11}
    SETUP_F32
    CYCLES_BEGIN
    .rept 16
    vfma.f32 s1, s0, s2
    vfma.f32 s0, s1, s2
    .endr
    CYCLES_END
    pop {r10, r11}
    bx lr
END_FUNCTION micro_vfma_f32_mul_chain

@ uint32_t micro_vadd_f32_independent(void): 32 VADD.F32 on four independent accumulators (throughput).
FUNCTION micro_vadd_f32_independent
    push {r10, r11}
    SETUP_F32
    vmov.f32 s3, #2.0
    vmov.f32 s4, #2.0
    vmov.f32 s5, #2.0
    CYCLES_BEGIN
    .rept 8
    vadd.f32 s0, s0, s1
    vadd.f32 s3, s3, s1
    vadd.f32 s4, s4, s1
    vadd.f32 s5, s5, s1
    .endr
    CYCLES_END
    pop {r10, r11}
    bx lr
END_FUNCTION micro_vadd_f32_independent
