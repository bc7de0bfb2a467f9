import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsIn } from 'class-validator';
import type { OrderStatusName } from './orders.dto.js';

/** The statuses an order can be moved to: every one but `pending`, where each order starts. */
const TARGET_STATUSES = ['confirmed', 'shipped', 'delivered', 'cancelled'] as const satisfies readonly OrderStatusName[];

export class TransitionOrderBody {
  @ApiProperty({
    enum: TARGET_STATUSES,
    example: 'shipped',
    description:
      'The status to move the order to: the next step of pending → confirmed → shipped → delivered, or cancelled while it ' +
      'has not shipped.',
  })
  @IsDefined({ message: 'is required' })
  @IsIn(TARGET_STATUSES, { message: `must be one of ${TARGET_STATUSES.join(', ')}` })
  status!: (typeof TARGET_STATUSES)[number];
}
