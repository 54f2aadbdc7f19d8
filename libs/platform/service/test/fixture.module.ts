import { Module } from '@nestjs/common';
import { FixtureController } from './fixture.controller.js';

@Module({ controllers: [FixtureController] })
export class FixtureModule {}
