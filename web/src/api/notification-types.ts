/** Notification rules and deliveries as the UI sees them (src/http/notification-schemas.ts). */

export const NOTIFICATION_EVENTS = ['start', 'success', 'failure', 'cancel'] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];
export type NotificationKind = 'webhook' | 'email';
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface NotificationRule {
  readonly id: string;
  readonly name: string;
  readonly job: { readonly id: string; readonly name: string } | null;
  readonly events: NotificationEvent[];
  readonly kind: NotificationKind;
  readonly url: string | null;
  readonly recipients: string[] | null;
  readonly signed: boolean;
  readonly enabled: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type CreateNotificationRule =
  | {
      readonly name: string;
      readonly kind: 'webhook';
      readonly url: string;
      readonly secret?: string;
      readonly events: NotificationEvent[];
      readonly job?: string;
      readonly enabled?: boolean;
    }
  | {
      readonly name: string;
      readonly kind: 'email';
      readonly recipients: string[];
      readonly events: NotificationEvent[];
      readonly job?: string;
      readonly enabled?: boolean;
    };

export interface UpdateNotificationRule {
  readonly name?: string;
  readonly url?: string;
  readonly secret?: string | null;
  readonly recipients?: string[];
  readonly events?: NotificationEvent[];
  readonly job?: string | null;
  readonly enabled?: boolean;
}

export interface NotificationDelivery {
  readonly id: string;
  readonly ruleId: string;
  readonly ruleName: string;
  readonly kind: NotificationKind;
  readonly runId: string;
  readonly event: NotificationEvent;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly responseStatus: number | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deliveredAt: string | null;
}
