// Entry point for the TypeORM CLI (npm run migration:generate / :run / :revert), compiled to dist/.
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/config';
import { dataSourceOptions } from './data-source.options';

export default new DataSource(dataSourceOptions(loadConfig().databaseUrl));
