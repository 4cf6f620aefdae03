/*
 * micro-fpu-chain: FPv5 result latencies on dependent chains of 32 instructions (hw-facts 1.5).
 *   [0]  empty measurement
 *   [1]  VADD.F32 chain          published latency 3 (JNK, LLVM, GCC)  -> ~96 + overhead
 *   [2]  VMUL.F32 chain          latency 3                              -> ~96
 *   [3]  VFMA.F32 accumulator    3 when chained on the accumulator (JNK, LLVM read-advance) -> ~96
 *   [4]  VFMA.F32 multiplicand   5 (JNK), QUIN "every 3rd cycle, latency 5" -> ~160
 *   [5]  VDIV.F32 chain          14-16 (JNK 16)                         -> ~512
 *   [6]  VSQRT.F32 chain         14 (JNK)                               -> ~448
 *   [7]  VADD.F64 chain          latency 3, CPI data dependent (JNK)    -> ~96
 *   [8]  VMUL.F64 chain          CPI 5 (JNK; LLVM 7)                    -> ~160
 *   [9]  VDIV.F64 chain          30 (JNK, LLVM)                         -> ~960
 *   [10] 32 independent VADD.F32 issue 1 per cycle, FP ops never pair   -> ~32
 * Each runs twice; the second run is recorded.
 */
#include "micro.h"

uint32_t micro_vadd_f32_chain(void);
uint32_t micro_vmul_f32_chain(void);
uint32_t micro_vfma_f32_acc_chain(void);
uint32_t micro_vfma_f32_mul_chain(void);
uint32_t micro_vdiv_f32_chain(void);
uint32_t micro_vsqrt_f32_chain(void);
uint32_t micro_vadd_f64_chain(void);
uint32_t micro_vmul_f64_chain(void);
uint32_t micro_vdiv_f64_chain(void);
uint32_t micro_vadd_f32_independent(void);

static uint32_t (*const k_measurements[])(void) = {
    micro_vadd_f32_chain,  micro_vmul_f32_chain, micro_vfma_f32_acc_chain, micro_vfma_f32_mul_chain,
    micro_vdiv_f32_chain,  micro_vsqrt_f32_chain, micro_vadd_f64_chain,    micro_vmul_f64_chain,
    micro_vdiv_f64_chain,  micro_vadd_f32_independent,
};

int main(void) {
  micro_begin();
  const uint32_t count = sizeof k_measurements / sizeof k_measurements[0];
  for (uint32_t i = 0; i < count; ++i) {
    (void)k_measurements[i]();
    micro_record(1u + i, k_measurements[i]());
  }
  micro_finish(1u + count);
}
