import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AUDIT_TRAIL_OPTIONS, AuditTrail, DEFAULT_AUDIT_TRAIL_OPTIONS } from './audit-trail';
import { AuditController } from './audit.controller';
import { AuditInterceptor } from './audit.interceptor';

/** The audit of reads: its table, its buffer, the global interceptor behind @PersonalData, and its reading route. */
@Module({
  controllers: [AuditController],
  providers: [
    { provide: AUDIT_TRAIL_OPTIONS, useValue: DEFAULT_AUDIT_TRAIL_OPTIONS },
    AuditTrail,
    // Global whatever the module that provides it: every controller's @PersonalData routes are recorded.
    { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
  ],
  exports: [AuditTrail],
})
export class AuditModule {}
