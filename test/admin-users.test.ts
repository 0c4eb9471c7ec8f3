import { validateForm } from '../src/web/forms';
import { EmptyFormDto, EraseFormDto, UserListQueryDto, AgencyNameDto, AgencyMergeDto } from '../src/accounts/admin.dto';
it('scratch', async () => {
  const out = [
  await validateForm(EmptyFormDto, { _csrf: 'x' }),
  await validateForm(EmptyFormDto, { _csrf: 'x', a: '1' }),
  await validateForm(EraseFormDto, { _csrf: 'x' }),
  await validateForm(UserListQueryDto, { q: ' äi ', page: '2', sort: '' }),
  await validateForm(UserListQueryDto, { q: ['a', 'b'], page: 'x' }),
  await validateForm(UserListQueryDto, {}),
  await validateForm(AgencyNameDto, { name: '   ' }),
  await validateForm(AgencyNameDto, { name: 5 }),
  await validateForm(AgencyMergeDto, { into: ['a'] }),
  ];
  console.log(JSON.stringify(out, null, 1));
});
