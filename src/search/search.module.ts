// Search: the Finnish vocabulary Voikko analyses (SearchVocabulary), the registry the areas add
// their kinds of results to (SearchSources), and the one search over them all (/search,
// GET /api/v1/search). Global, so every area that writes searchable text can learn its words and
// register its source without importing this module.
import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SearchSources } from './search-sources';
import { SearchVocabulary } from './search-vocabulary.service';
import { SearchWord } from './search-word.entity';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([SearchWord])],
  providers: [SearchVocabulary, SearchSources],
  exports: [SearchVocabulary, SearchSources],
})
export class SearchModule {}
