import { Caller } from '@archipelago/platform-auth';
import { ApiProblemResponses, ApiZodResponse, ZodBody, ZodParams } from '@archipelago/platform-service';
import { Controller, Delete, Get, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { PushSubscription } from '../../entity/push/push-subscription.js';
import {
  DeletePushSubscriptionCommand,
  GetVapidPublicKeyQuery,
  ListPushSubscriptionsQuery,
  SubscribePushCommand,
} from '../../use-case/push-subscriptions/push-subscriptions.use-cases.js';
import {
  pushSubscriptionBody,
  type PushSubscriptionBody,
  pushSubscriptionDto,
  pushSubscriptionIdParams,
  pushSubscriptionListDto,
  vapidPublicKeyDto,
} from './push.schemas.js';

/** The public shape of a subscription (keys are the device's, not echoed back). */
function toDto(s: PushSubscription) {
  return { id: s.id, endpoint: s.endpoint, createdAt: s.createdAt };
}

/**
 * Web Push: the caller's device subscriptions at `/notifications/v1/push-subscriptions` and the
 * VAPID public key browsers subscribe with. Any valid access token (401 without one); the caller's
 * own subscriptions only (another user's is 404).
 */
@ApiTags('push')
@Controller('notifications/v1')
export class PushHttpHandler {
  constructor(
    private readonly queries: QueryBus,
    private readonly commands: CommandBus,
  ) {}

  @Get('push/vapid-public-key')
  @ApiOperation({
    summary: 'The VAPID public key to subscribe with',
    description:
      'Pass it as `applicationServerKey` to `registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey })`, then POST the subscription to `/notifications/v1/push-subscriptions`.',
  })
  @ApiZodResponse(200, vapidPublicKeyDto)
  @ApiProblemResponses(401)
  async vapidPublicKey() {
    const publicKey: string = await this.queries.execute(new GetVapidPublicKeyQuery());
    return { publicKey };
  }

  @Post('push-subscriptions')
  @HttpCode(201)
  @ApiOperation({
    summary: "Subscribe one of the caller's devices to web push",
    description:
      "Body: the browser's `PushSubscription.toJSON()`. 201 for a new subscription; the same endpoint again answers the same subscription with 200 (keys refreshed). An endpoint another user had subscribed is taken over (the device changed hands). 400 `PUSH_SUBSCRIPTION.INVALID` for an endpoint that is not https (http only where the service allows it, e.g. locally) or malformed keys. 400 `PUSH_SUBSCRIPTION.ENDPOINT_NOT_ALLOWED` for an endpoint whose host is not an allowed push service (configuration `NOTIFICATIONS_PUSH_ALLOWED_HOSTS`; default: the push services of Chrome/Edge (`fcm.googleapis.com`), Firefox (`updates.push.services.mozilla.com`), Safari (`*.push.apple.com`) and Windows (`*.notify.windows.com`), plus loopback hosts outside production): the service never sends to other hosts. Push is off by default: turn it on per category with `PUT /notifications/v1/preferences`.",
  })
  @ApiZodResponse(201, pushSubscriptionDto, 'Subscribed')
  @ApiZodResponse(200, pushSubscriptionDto, 'Already subscribed: the same subscription')
  @ApiProblemResponses(400, 401)
  async subscribe(
    @Caller() caller: Caller,
    @ZodBody(pushSubscriptionBody) body: PushSubscriptionBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { subscription, created }: { subscription: PushSubscription; created: boolean } = await this.commands.execute(
      new SubscribePushCommand(caller.id, body.endpoint, body.keys),
    );
    if (!created) reply.status(200);
    return toDto(subscription);
  }

  @Get('push-subscriptions')
  @ApiOperation({
    summary: "The caller's push subscriptions, oldest first",
    description: 'One per subscribed device (browser profile); the device keys are not returned.',
  })
  @ApiZodResponse(200, pushSubscriptionListDto)
  @ApiProblemResponses(401)
  async list(@Caller() caller: Caller) {
    const items: PushSubscription[] = await this.queries.execute(new ListPushSubscriptionsQuery(caller.id));
    return { items: items.map(toDto) };
  }

  @Delete('push-subscriptions/:id')
  @HttpCode(204)
  @ApiOperation({
    summary: "Unsubscribe one of the caller's devices",
    description:
      'Its pending push deliveries end unsent. 404 `PUSH_SUBSCRIPTION.NOT_FOUND` for an unknown id or another user’s subscription.',
  })
  @ApiResponse({ status: 204, description: 'Unsubscribed' })
  @ApiProblemResponses(400, 401, 404)
  async delete(@Caller() caller: Caller, @ZodParams(pushSubscriptionIdParams) params: { id: string }): Promise<void> {
    await this.commands.execute(new DeletePushSubscriptionCommand(caller.id, params.id));
  }
}
