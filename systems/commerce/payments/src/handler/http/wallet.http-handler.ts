import { Caller, Roles } from '@archipelago/platform-auth';
import {
  ApiIdempotencyKey,
  ApiProblemResponses,
  ApiZodBody,
  ApiZodResponse,
  currentRequestContext,
  ValidationProblemException,
  ZodBody,
  ZodQuery,
} from '@archipelago/platform-service';
import { Controller, Get, Headers, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CloseAccountCommand } from '../../use-case/close-account/close-account.command.js';
import { DepositCommand } from '../../use-case/deposit/deposit.command.js';
import type { DepositResult } from '../../use-case/deposit/deposit.use-case.js';
import type { WalletView } from '../../use-case/get-wallet/get-wallet.use-case.js';
import { GetWalletQuery } from '../../use-case/get-wallet/get-wallet.query.js';
import { ListTransactionsQuery } from '../../use-case/list-transactions/list-transactions.query.js';
import { WithdrawCommand } from '../../use-case/withdraw/withdraw.command.js';
import type { WithdrawalResult } from '../../use-case/withdraw/withdraw.use-case.js';
import type { CommandContext } from '../../use-case/port/command-context.js';
import type { TransactionPage } from '../../use-case/port/transaction.read-model.port.js';
import {
  closeAccountBody,
  depositBody,
  depositReceiptDto,
  idempotencyKeyHeader,
  listTransactionsQuery,
  transactionPageDto,
  walletDto,
  withdrawalBody,
  withdrawalReceiptDto,
  type CloseAccountBody,
  type DepositBody,
  type WithdrawalBody,
} from './wallet.schemas.js';

/** Event metadata from the request: correlation id, causation = request id, actor (the verified caller's `sub`), traceparent. */
function commandContext(): CommandContext {
  const ctx = currentRequestContext();
  return { correlationId: ctx?.correlationId, causationId: ctx?.requestId, actor: ctx?.actor?.id, traceparent: ctx?.traceparent };
}

/** @throws ValidationProblemException (400) for a malformed Idempotency-Key header */
function parseIdempotencyKey(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const parsed = idempotencyKeyHeader.safeParse(raw);
  if (!parsed.success) {
    throw new ValidationProblemException(parsed.error.issues.map((i) => ({ parameter: 'Idempotency-Key', detail: i.message })));
  }
  return parsed.data;
}

/**
 * Public HTTP API of the wallet: `/commerce/v1/wallet`. The wallet is the caller's own (the
 * token's `sub`); every route needs a bearer token with role `customer` or `admin` (401 without a
 * valid token, 403 without the role). Translates, never decides.
 */
@ApiTags('wallet')
@Controller('commerce/v1/wallet')
@Roles('customer', 'admin')
export class WalletHttpHandler {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @ApiOperation({
    summary: "The caller's wallet: balance and status (404 before the first deposit)",
    description:
      "Customers and admins (bearer token with the role `customer` or `admin`; 401 without a valid token, 403 without either role). The caller's own wallet (the token's `sub`): balance in minor units and status. 404 `ACCOUNT.NOT_FOUND` until the first deposit opens it.",
  })
  @ApiZodResponse(200, walletDto)
  @ApiProblemResponses(401, 403, 404)
  async get(@Caller() caller: Caller): Promise<WalletView> {
    return this.queries.execute(new GetWalletQuery(caller.id));
  }

  @Post('deposits')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Deposit into the wallet (opens it on the first deposit)',
    description:
      'Customers and admins (401 without a valid token, 403 without the role `customer` or `admin`); the caller\'s own wallet. ' +
      '422 `MONEY.CURRENCY_MISMATCH` for another currency than the deployment\'s, 422 `ACCOUNT.BALANCE_LIMIT_EXCEEDED` when the balance would exceed its maximum, ' +
      '409 `ACCOUNT.CLOSED` for a closed wallet, 409 `ACCOUNT.CONCURRENCY_CONFLICT` when concurrent changes kept winning over the retries of the service (try again). ' +
      'Honours `Idempotency-Key`: the same key with the same body answers 201 with the same transactionId and balance ' +
      '(header `Idempotent-Replayed: true`) and books nothing; the same key with another body answers 422.',
  })
  @ApiIdempotencyKey()
  @ApiZodBody(depositBody)
  @ApiZodResponse(201, depositReceiptDto)
  @ApiProblemResponses(400, 401, 403, 409, 422)
  async deposit(
    @Caller() caller: Caller,
    @ZodBody(depositBody) body: DepositBody,
    @Headers('idempotency-key') rawKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const key = parseIdempotencyKey(rawKey);
    const result: DepositResult = await this.commands.execute(new DepositCommand(caller.id, body.amount, key, commandContext()));
    if (result.replayed) reply.header('Idempotent-Replayed', 'true');
    return { transactionId: result.transactionId, balance: result.balance };
  }

  @Post('withdrawals')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Withdraw from the wallet, never below zero',
    description:
      'Customers and admins (401 without a valid token, 403 without the role `customer` or `admin`); the caller\'s own wallet. ' +
      'Answers 422 `ACCOUNT.INSUFFICIENT_FUNDS` with `details { available, requested }` (minor units) when the balance is too low, ' +
      '404 without a wallet, 409 for a closed one. Concurrent withdrawals and order payments never overdraw. Honours ' +
      '`Idempotency-Key` as deposits do (a key used for a deposit is a 422 here). Publishes FundsWithdrawnV1.',
  })
  @ApiIdempotencyKey()
  @ApiZodBody(withdrawalBody)
  @ApiZodResponse(201, withdrawalReceiptDto)
  @ApiProblemResponses(400, 401, 403, 404, 409, 422)
  async withdraw(
    @Caller() caller: Caller,
    @ZodBody(withdrawalBody) body: WithdrawalBody,
    @Headers('idempotency-key') rawKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const key = parseIdempotencyKey(rawKey);
    const result: WithdrawalResult = await this.commands.execute(new WithdrawCommand(caller.id, body.amount, key, commandContext()));
    if (result.replayed) reply.header('Idempotent-Replayed', 'true');
    return { transactionId: result.transactionId, balance: result.balance };
  }

  @Get('transactions')
  @ApiOperation({
    summary: "The wallet's transactions, newest first (keyset pagination)",
    description:
      "Customers and admins (401 without a valid token, 403 without the role `customer` or `admin`). The caller's deposits, withdrawals, order payments and refunds, newest first, `limit` per page; pass `nextCursor` back as `cursor` (400 `PAGINATION.INVALID_CURSOR` for a cursor this API did not give). An empty page before the first deposit.",
  })
  @ApiZodResponse(200, transactionPageDto)
  @ApiProblemResponses(400, 401, 403)
  async transactions(@Caller() caller: Caller, @ZodQuery(listTransactionsQuery) query: { limit: number; cursor?: string }): Promise<TransactionPage> {
    return this.queries.execute(new ListTransactionsQuery(caller.id, query.limit, query.cursor));
  }

  @Post('closures')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({
    summary: "Close a customer's wallet (admin; idempotent). It then refuses deposits and payments.",
    description:
      'Admins only (401 without a valid token, 403 without the role `admin`). Closes the wallet of `customerId` with a reason kept in the event; closing a closed wallet answers 204 again and changes nothing. 404 `ACCOUNT.NOT_FOUND` when the customer has no wallet. A closed wallet refuses deposits and order payments (409 `ACCOUNT.CLOSED`).',
  })
  @ApiZodBody(closeAccountBody)
  @ApiResponse({ status: 204, description: 'Closed (or already closed)' })
  @ApiProblemResponses(400, 401, 403, 404)
  async close(@ZodBody(closeAccountBody) body: CloseAccountBody): Promise<void> {
    await this.commands.execute(new CloseAccountCommand(body.customerId, body.reason, commandContext()));
  }
}
