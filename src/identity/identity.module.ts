// Owns who people are: agencies now; users, roles and access control come with the accounts issue.
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Agency } from './agency.entity';
import { AgencyService } from './agency.service';

@Module({
  imports: [TypeOrmModule.forFeature([Agency])],
  providers: [AgencyService],
  exports: [AgencyService],
})
export class IdentityModule {}
