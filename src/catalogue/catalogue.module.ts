import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdentityModule } from '../identity/identity.module';
import { CatalogueApiController } from './catalogue.api.controller';
import { CatalogueController } from './catalogue.controller';
import { CatalogueService } from './catalogue.service';
import { Programme } from './programme.entity';

@Module({
  imports: [TypeOrmModule.forFeature([Programme]), IdentityModule],
  controllers: [CatalogueController, CatalogueApiController],
  providers: [CatalogueService],
  exports: [CatalogueService],
})
export class CatalogueModule {}
