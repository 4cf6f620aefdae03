import type { GeneralPurposeTimerName } from './tim.js';

/** A GPIO pin that carries a timer channel when set to alternate function `af`. */
export interface TimerChannelPin {
  pin: string;
  af: number;
  timer: GeneralPurposeTimerName;
  channel: number;
}

const on = (timer: GeneralPurposeTimerName, af: number, byChannel: string[][]): TimerChannelPin[] =>
  byChannel.flatMap((pins, i) => pins.map((pin) => ({ pin, af, timer, channel: i + 1 })));

/**
 * The pins of TIM2–TIM5's channels (STM32H750 datasheet, alternate function tables: TIM2 on AF1, TIM3,
 * TIM4 and TIM5 on AF2), so a PWM the firmware sets up can be named by the pin it drives.
 */
export const TIMER_CHANNEL_PINS: readonly TimerChannelPin[] = [
  ...on('TIM2', 1, [['PA0', 'PA5', 'PA15'], ['PA1', 'PB3'], ['PA2', 'PB10'], ['PA3', 'PB11']]),
  ...on('TIM3', 2, [['PA6', 'PB4', 'PC6'], ['PA7', 'PB5', 'PC7'], ['PB0', 'PC8'], ['PB1', 'PC9']]),
  ...on('TIM4', 2, [['PB6', 'PD12'], ['PB7', 'PD13'], ['PB8', 'PD14'], ['PB9', 'PD15']]),
  ...on('TIM5', 2, [['PA0', 'PH10'], ['PA1', 'PH11'], ['PA2', 'PH12'], ['PA3', 'PI0']]),
];
