// Search: the Finnish vocabulary Voikko analyses (SearchVocabulary), the registry the areas add
// their kinds of results to (SearchSources), and the one search over them all (/search,
// GET /api/v1/search). Global, so every area that writes searchable text can learn its words and
// register its source without importing this module.
import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SearchIndex } from './search-index.service';
import { SearchSources } from './search-sources';
import { SearchVocabulary } from './search-vocabulary.service';
import { SearchWord } from './search-word.entity';
import { SearchApiController } from './search.api.controller';
import { SearchController } from './search.controller';
import { SearchService } from './search.service';
import { SearchSnippets } from './snippet';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([SearchWord])],
  controllers: [SearchController, SearchApiController],
  providers: [SearchVocabulary, SearchSources, SearchIndex, SearchService, SearchSnippets],
  exports: [SearchVocabulary, SearchSources, SearchIndex, SearchSnippets],
})
export class SearchModule {}
