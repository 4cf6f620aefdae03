int data_var[10] = {1,2,3};
int bss_var[100];
float __attribute__((section(".sdram_bss"))) delay_line[48000];
int __attribute__((section(".dtcmram_bss"))) dt[17];
void Reset_Handler(void);
__attribute__((section(".isr_vector"))) void (*const vectors[])(void) = { (void*)0x20020000, Reset_Handler };
int main(void){ for(int i=0;i<100;i++) bss_var[i]=data_var[i%10]; delay_line[3]=1; dt[2]=3; return 0;}
void Reset_Handler(void){ main(); for(;;); }
